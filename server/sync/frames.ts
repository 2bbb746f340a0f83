/**
 * Broadcast frames: a room's messages framed once per turn and written as they are to every
 * socket, instead of `ws.send` framing the same bytes again for each of ten or two hundred
 * recipients. A connection that gets several messages in one turn (an edit and the cursor move
 * that came with it) gets them in one write, so one syscall instead of one per message.
 *
 * Server-to-client frames are unmasked, so they are identical for every recipient (RFC 6455
 * §5.2): FIN + binary opcode, then the payload length in 7, 7+16 or 7+64 bits, then the payload.
 *
 * This writes to ws's private `_socket`, because ws has no public way to send pre-framed bytes.
 * It pays: a turn of two messages to 200 sockets took 2.8 ms framed once and written directly,
 * against 7.4 ms with `ws.send` per message (tests/bench/micro/broadcast.ts). Anything that is not
 * a plain ws socket falls back to `send`.
 */
import type { Socket } from 'node:net'

/** Messages for one or more sockets: the payloads, and the same payloads as one run of frames. */
export interface Outgoing {
  readonly messages: readonly Uint8Array[]
  readonly frames: Buffer
}

const FIN_BINARY = 0x82

function headerOf(length: number): Buffer {
  if (length < 126) return Buffer.from([FIN_BINARY, length])
  if (length < 0x10000) {
    const h = Buffer.allocUnsafe(4)
    h[0] = FIN_BINARY
    h[1] = 126
    h.writeUInt16BE(length, 2)
    return h
  }
  const h = Buffer.allocUnsafe(10)
  h[0] = FIN_BINARY
  h[1] = 127
  h.writeBigUInt64BE(BigInt(length), 2)
  return h
}

/** Frames `messages` (each one binary WebSocket message) into one buffer, in order. */
export function outgoing(...messages: Uint8Array[]): Outgoing {
  const parts: Uint8Array[] = []
  for (const m of messages) parts.push(headerOf(m.length), m)
  return { messages, frames: Buffer.concat(parts) }
}

/** The part of a `ws` WebSocket that direct writes rely on. */
interface WsInternals {
  readonly extensions?: unknown
  readonly _socket?: unknown
}

/**
 * The TCP socket under a `ws` WebSocket, when frames may be written to it directly: no extension
 * was negotiated (permessage-deflate would queue `ws.send` calls behind its compressor, and a
 * direct write could overtake them). Without compression `ws.send` writes to this socket at once,
 * so direct writes and `ws.send` calls keep their order. Null for anything else (test doubles,
 * a later `ws` that hides the socket): those get `send` per message, which is always correct.
 */
export function directStream(socket: unknown): Socket | null {
  const ws = socket as WsInternals
  const stream = ws?._socket as Socket | undefined
  if (ws?.extensions !== '' || !stream || typeof stream.write !== 'function') return null
  return stream
}
