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
import { registerDoc, unregisterDoc } from './testHook'

/** The provider's connection states, as y-websocket names them. */
export const ConnectionStatus = {
  connecting: 'connecting',
  connected: 'connected',
  disconnected: 'disconnected',
} as const
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus]

export interface RoomDocOptions {
  /** The signed-in identity for presence; the server overwrites it with the session's anyway. */
  user?: PresenceUser
  /** Defaults to `ws(s)://<location.host>/ws`. */
  serverUrl?: string
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
}

// After these refusals the cached copy belongs to someone who may no longer read it.
const DROP_CACHE_CODES: readonly number[] = [CLOSE.forbidden.code, CLOSE.unknownTask.code]

/** The `/ws` endpoint on the page's own origin, so the session cookie authenticates the socket. */
export function defaultServerUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
}

/**
 * Opens `room` for the lifetime of the calling reactive owner. Owns exactly one Y.Doc, one
 * IndexedDB cache (named after the room) and one stock WebsocketProvider; on cleanup it destroys
 * the provider, then the cache, then the doc.
 */
export function createRoomDoc(room: string, options: RoomDocOptions = {}): RoomDoc {
  const doc = new Y.Doc()
  const cache = new IndexeddbPersistence(room, doc)
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
  const [cached, setCached] = createSignal(cache.synced)
  const [closedCode, setClosedCode] = createSignal<number | null>(null)

  provider.on('status', (e) => setStatus(e.status))
  provider.on('sync', (state) => setSynced(state))
  provider.on('connection-close', (event) => {
    if (!event || !isRefusal(event.code)) return
    setClosedCode(event.code)
    if (DROP_CACHE_CODES.includes(event.code)) void cache.clearData().catch(logCacheError)
  })
  void cache.whenSynced.then(() => setCached(true))
  registerDoc(room, doc)

  onCleanup(() => {
    unregisterDoc(room, doc)
    provider.destroy()
    void cache.destroy().catch(logCacheError)
    doc.destroy()
  })

  return { room, doc, awareness, status, synced, cached, closedCode }
}

function logCacheError(err: unknown): void {
  console.warn('codejury: the offline cache could not be closed or cleared', err)
}
