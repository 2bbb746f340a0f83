/** readServerState: what the server holds of a room, read through a fresh stock provider. */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { defaultServerUrl } from './createRoomDoc'

/** Longer than a sync takes on any live connection; past it the server is taken as unreachable. */
export const SERVER_STATE_TIMEOUT_MS = 5_000

/**
 * Opens `room` once more with an empty doc, without presence or offline copy, and resolves with
 * that doc when the server's state has arrived: exactly what the server stores, whatever this
 * page's own doc holds. Resolves null when it cannot be read in `timeoutMs` or is refused.
 * The caller owns the returned doc (destroy it).
 */
export function readServerState(room: string, timeoutMs = SERVER_STATE_TIMEOUT_MS, serverUrl = defaultServerUrl()): Promise<Y.Doc | null> {
  const doc = new Y.Doc()
  // No BroadcastChannel: this page's own provider would answer it with the page's (unstored) state.
  const provider = new WebsocketProvider(serverUrl, encodeURIComponent(room), doc, { connect: false, disableBc: true })
  // No presence: this is not another person (nor a second tab) in the room.
  provider.awareness.setLocalState(null)
  return new Promise<Y.Doc | null>((resolve) => {
    const finish = (synced: boolean) => {
      clearTimeout(timer)
      provider.destroy()
      if (!synced) doc.destroy()
      resolve(synced ? doc : null)
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    provider.on('sync', (synced: boolean) => synced && finish(true))
    provider.on('connection-close', (event) => event && event.code >= 4000 && finish(false))
    provider.connect()
  })
}

/** True when `server` holds every change `local` holds (its state vector covers local's). */
export function holdsAll(server: Y.Doc, local: Y.Doc): boolean {
  const held = Y.decodeStateVector(Y.encodeStateVector(server))
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(local))) {
    if ((held.get(client) ?? 0) < clock) return false
  }
  return true
}
