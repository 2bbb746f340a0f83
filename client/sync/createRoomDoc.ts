/** createRoomDoc: one room's Y.Doc, its IndexedDB cache and its WebSocket provider, as signals. */
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import type { Awareness } from 'y-protocols/awareness'
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import { CLOSE } from '../../shared/errors'
import type { PresenceUser } from '../../shared/presence'
import { isRefusal } from './closeMessage'
import { onPermissionDenied } from './permissionDenied'
import { cacheName, trackOpenCache, UNSENT_KEY_PREFIX } from './offlineCaches'
import { registerDoc, unregisterDoc } from './testHook'

/** The provider's connection states, as y-websocket names them. */
export const ConnectionStatus = {
  connecting: 'connecting',
  connected: 'connected',
  disconnected: 'disconnected',
} as const
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus]

export interface RoomDocOptions {
  /**
   * The signed-in identity for presence (the server overwrites it with the session's anyway).
   * Its `id` also names the offline cache; without a user the room is not cached.
   */
  user?: PresenceUser
  /** Defaults to `ws(s)://<location.host>/ws`. */
  serverUrl?: string
}

/** Local edits made while the room was offline, merged when the connection came back. */
export interface OfflineMerge {
  count: number
  at: number
}

/** A live room. `doc` and `awareness` are owned by the primitive: never destroy them yourself. */
export interface RoomDoc {
  room: string
  doc: Y.Doc
  awareness: Awareness
  status: Accessor<ConnectionStatus>
  /** True once the server's state has been merged (false again while reconnecting). */
  synced: Accessor<boolean>
  /** True once the IndexedDB copy has been loaded into `doc`. */
  cached: Accessor<boolean>
  /** The 44xx code the server refused the room with; the provider stops reconnecting then. */
  closedCode: Accessor<number | null>
  /** True once a connection to the room has opened: a refusal after that means access was lost. */
  wasOpen: Accessor<boolean>
  /**
   * Why the server said this connection may not write (the protocol's auth message), or null.
   * Cleared when a new connection opens: the server says it again on the first refused write.
   */
  denied: Accessor<string | null>
  /**
   * Forgets the last denial, when something says write may be back (a reopen): the server denies
   * again, once, if it is not.
   */
  clearDenied(): void
  /**
   * True once the server asked this connection to reconnect (1012) after denying it write: write
   * is back, and the writes it dropped meanwhile were sealed on the server, so this doc holds
   * state the room never will. Open the room afresh (after `discardCache`).
   */
  stale: Accessor<boolean>
  /** True after a connection was lost or failed, until one opens again. */
  offline: Accessor<boolean>
  /** Local updates made since the room went offline that the server has not merged yet. */
  unsentEdits: Accessor<number>
  /** The last time offline edits were merged on reconnect, for the "back online" message. */
  lastMerge: Accessor<OfflineMerge | null>
  /**
   * Deletes this room's offline copy (after the server refused what it holds: loading it again
   * would resend the refused work). Call before opening the room afresh.
   */
  discardCache(): Promise<void>
}

/** A pause longer than this starts a new offline edit (Y.UndoManager's capture is 500 ms). */
export const EDIT_GAP_MS = 1_000

/** Which root types a transaction changed, as one key: two fields make two edits. */
function fieldsOf(tr: Y.Transaction): string {
  const roots = new Set<unknown>()
  for (const type of tr.changed.keys()) {
    let top = type
    while (top._item) top = top._item.parent as typeof type
    roots.add(top)
  }
  const names = [...tr.doc.share].filter(([, root]) => roots.has(root)).map(([name]) => name)
  return names.sort().join(',')
}

// After these refusals the cached copy belongs to someone who may no longer read it.
const DROP_CACHE_CODES: readonly number[] = [CLOSE.forbidden.code, CLOSE.unknownTask.code]

/** The `/ws` endpoint on the page's own origin, so the session cookie authenticates the socket. */
export function defaultServerUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
}

/**
 * Opens `room` for the lifetime of the calling reactive owner. Owns exactly one Y.Doc, one
 * IndexedDB cache (named `<userId>:<room>`) and one stock WebsocketProvider; on cleanup it
 * destroys the provider, then the cache, then the doc.
 */
export function createRoomDoc(room: string, options: RoomDocOptions = {}): RoomDoc {
  const doc = new Y.Doc()
  const cache = options.user
    ? new IndexeddbPersistence(cacheName(options.user.id, room), doc)
    : null
  const untrackCache = cache ? trackOpenCache(() => cache.destroy()) : () => {}
  // y-websocket appends the room to the URL unencoded (STYLE.md, "Room names go into the URL").
  const provider = new WebsocketProvider(
    options.serverUrl ?? defaultServerUrl(),
    encodeURIComponent(room),
    doc,
  )
  const awareness = provider.awareness
  if (options.user) awareness.setLocalStateField('user', options.user)

  // The constructor already emitted its first 'status', so start from the provider's own state.
  const [status, setStatus] = createSignal<ConnectionStatus>(
    provider.wsconnected ? 'connected' : provider.wsconnecting ? 'connecting' : 'disconnected',
  )
  const [synced, setSynced] = createSignal(provider.synced)
  const [cached, setCached] = createSignal(cache === null)
  const [closedCode, setClosedCode] = createSignal<number | null>(null)
  const [wasOpen, setWasOpen] = createSignal(provider.wsconnected)
  const [denied, setDenied] = createSignal<string | null>(null)
  const [stale, setStale] = createSignal(false)
  // Whether this connection was ever denied write; unlike `denied`, a reopen does not clear it.
  let deniedHere = false
  const stopDenied = onPermissionDenied(provider, (reason) => {
    deniedHere = true
    setDenied(reason)
  })
  // Persisted per cache: after a reload while offline, the merge message still says
  // how many edits went in. One edit is one local transaction, not one character.
  const unsentKey = options.user ? UNSENT_KEY_PREFIX + cacheName(options.user.id, room) : null
  const [unsentEdits, setUnsentSignal] = createSignal(readCount(unsentKey))
  const setUnsentEdits = (next: number | ((n: number) => number)) => {
    const value = setUnsentSignal(next)
    writeCount(unsentKey, value)
  }
  // Edits kept from before a reload count as offline: the server has not merged them yet.
  const [offline, setOffline] = createSignal(unsentEdits() > 0)
  const [lastMerge, setLastMerge] = createSignal<OfflineMerge | null>(null)

  provider.on('status', (e) => {
    setStatus(e.status)
    if (e.status === 'connected') {
      setOffline(false)
      setWasOpen(true)
      setDenied(null)
      deniedHere = false
    }
  })
  provider.on('sync', (state) => {
    setSynced(state)
    const count = unsentEdits()
    // Sync means both sides exchanged what the other lacked: our offline edits are merged.
    if (state && count > 0) {
      setLastMerge({ count, at: Date.now() })
      setUnsentEdits(0)
    }
  })
  provider.on('connection-close', (event) => {
    // The server asks a denied connection to reconnect only when it gains write after dropping
    // some of its writes (a restart then is rarer, and reloading costs nothing but a fetch).
    if (event?.code === CLOSE.restart.code && deniedHere) setStale(true)
    if (event && isRefusal(event.code)) {
      setClosedCode(event.code)
      if (cache && DROP_CACHE_CODES.includes(event.code)) {
        untrackCache()
        void cache.clearData().catch(logCacheError)
      }
      return
    }
    setOffline(true)
  })
  // Counts local edits (neither the server's nor the cache's) made while no socket is open; the
  // first load is not "offline" unless a connection attempt already failed. An edit is a run of
  // changes to the same field with no pause of EDIT_GAP_MS (like an undo step), so a typed
  // sentence is one edit, not one per keystroke.
  let lastEdit = { at: 0, field: '' }
  const onTransaction = (tr: Y.Transaction) => {
    const origin = tr.origin
    if (origin === provider || (cache !== null && origin === cache)) return
    if (!offline() || tr.changed.size === 0) return
    const field = fieldsOf(tr)
    const now = Date.now()
    if (field !== lastEdit.field || now - lastEdit.at > EDIT_GAP_MS) setUnsentEdits((n) => n + 1)
    lastEdit = { at: now, field }
  }
  doc.on('afterTransaction', onTransaction)
  void cache?.whenSynced.then(() => setCached(true))
  registerDoc(room, doc)

  onCleanup(() => {
    doc.off('afterTransaction', onTransaction)
    unregisterDoc(room, doc)
    stopDenied()
    provider.destroy()
    untrackCache()
    void cache?.destroy().catch(logCacheError)
    doc.destroy()
  })

  return {
    room,
    doc,
    awareness,
    status,
    synced,
    cached,
    closedCode,
    wasOpen,
    denied,
    clearDenied: () => setDenied(null),
    stale,
    offline,
    unsentEdits,
    lastMerge,
    discardCache: async () => {
      if (!cache) return
      untrackCache()
      await cache.clearData().catch(logCacheError)
    },
  }
}

function readCount(key: string | null): number {
  if (!key) return 0
  try {
    const n = Number(localStorage.getItem(key) ?? 0)
    return Number.isSafeInteger(n) && n > 0 ? n : 0
  } catch {
    return 0
  }
}

function writeCount(key: string | null, n: number): void {
  if (!key) return
  try {
    if (n > 0) localStorage.setItem(key, String(n))
    else localStorage.removeItem(key)
  } catch {
    // Storage disabled or full: the count lives for this page only.
  }
}

function logCacheError(err: unknown): void {
  console.warn('codejury: the offline cache could not be closed or cleared', err)
}
