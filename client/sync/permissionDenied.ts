/** Hears the protocol's auth message (permission denied) on a stock WebsocketProvider. */
import * as authProtocol from 'y-protocols/auth'
import type { WebsocketProvider } from 'y-websocket'
import { MessageType } from '../../shared/protocol'

type MessageHandler = WebsocketProvider['messageHandlers'][number]

/**
 * Calls `onDenied(reason)` whenever the server says this connection may not write (a read-only
 * room, or access lost live: unassigned, finalized). y-websocket's own handler only logs it; each
 * provider has its own copy of the handler table (`provider.messageHandlers`), so replacing the
 * auth entry hooks this one provider without forking the package. Returns the undo.
 */
export function onPermissionDenied(provider: WebsocketProvider, onDenied: (reason: string) => void): () => void {
  const handlers = provider.messageHandlers
  const previous = handlers[MessageType.auth]
  const handler: MessageHandler = (_encoder, decoder) => {
    authProtocol.readAuthMessage(decoder, provider.doc, (_doc, reason) => onDenied(reason))
  }
  handlers[MessageType.auth] = handler
  return () => {
    if (handlers[MessageType.auth] === handler) handlers[MessageType.auth] = previous
  }
}
