/** Stock y-websocket providers in Node (ws polyfill, no BroadcastChannel), and raw sockets. */
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

export interface Peer {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Close events seen by the provider. */
  closes: { code: number; reason: string }[]
  destroy(): void
}

export function connectPeer(wsUrl: string, room: string, token: string | null, options: { connect?: boolean } = {}): Peer {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(wsUrl, encodeURIComponent(room), doc, {
    params: token ? { token } : {},
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
  })
  const closes: Peer['closes'] = []
  provider.on('connection-close', (event: any) => {
    if (event) closes.push({ code: event.code, reason: String(event.reason ?? '') })
  })
  return {
    doc,
    provider,
    closes,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** A raw socket to a room: for sending bytes no provider would send. Resolves when open. */
export function rawSocket(wsUrl: string, room: string, token: string | null, headers: Record<string, string> = {}): Promise<RawSocket> {
  const q = token ? `?token=${encodeURIComponent(token)}` : ''
  const ws = new WebSocket(`${wsUrl}/${encodeURIComponent(room)}${q}`, { headers })
  const raw: RawSocket = { ws, messages: [], closed: null, unexpected: null }
  ws.on('message', (data: Buffer) => raw.messages.push(new Uint8Array(data)))
  ws.on('close', (code, reason) => (raw.closed = { code, reason: reason.toString() }))
  return new Promise((resolve) => {
    // ws emits no 'error' after 'unexpected-response', so both must settle the promise.
    ws.on('unexpected-response', (req, res) => {
      raw.unexpected = res.statusCode ?? 0
      raw.closed = { code: 1006, reason: `http ${res.statusCode}` }
      req.destroy()
      resolve(raw)
    })
    ws.on('open', () => resolve(raw))
    ws.on('error', () => resolve(raw))
  })
}

export interface RawSocket {
  ws: WebSocket
  messages: Uint8Array[]
  closed: { code: number; reason: string } | null
  /** The HTTP status when the upgrade itself was refused. */
  unexpected: number | null
}
