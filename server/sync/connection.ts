/** One WebSocket connection to one room: who it is, what it may do, and its rate limit. */
import type { ConnectionOrigin } from '../../shared/origins'
import type { Access } from '../../shared/permissions'
import type { CloseEntry } from '../../shared/errors'
import { lightColor } from '../../shared/presence'
import type { PresenceUser } from '../../shared/presence'
import { MAX_BUFFERED_BYTES } from '../config'
import { directStream } from './frames'
import type { Outgoing } from './frames'

/** The part of a `ws` WebSocket a connection uses, so tests can drive rooms without sockets. */
export interface SocketLike {
  readonly readyState: number
  readonly bufferedAmount: number
  send(data: Uint8Array, cb?: (err?: Error) => void): void
  close(code: number, reason: string): void
}

const OPEN = 1

/** A signed-in user as a connection carries it. */
export interface SessionUser {
  id: string
  name: string
  role: string
  color: string
}

export interface ConnectionOptions {
  /** Sustained messages per second; bursts may reach twice this. */
  maxMessagesPerSecond: number
  /** Called once when the connection is closed by the server, with the reason. */
  onClose?: (entry: CloseEntry) => void
}

let nextId = 1

/**
 * A connection, also used as its transaction origin (`{ source: 'connection', conn }`), made once
 * at join so Yjs can compare origins by identity.
 */
export class Connection {
  readonly id = nextId++
  readonly origin: ConnectionOrigin<Connection>
  /** The awareness clientID this connection speaks for; bound by its first awareness message. */
  clientId: number | null = null
  /** Set by pongs and messages; the keep-alive sweep closes connections that stay silent. */
  alive = true
  closed = false
  private tokens: number
  private refilledAt = Date.now()
  /** Where broadcast frames are written directly, when the socket allows it (see frames.ts). */
  private readonly stream: ReturnType<typeof directStream>

  constructor(
    readonly socket: SocketLike,
    readonly user: SessionUser,
    public access: Access,
    private readonly options: ConnectionOptions,
  ) {
    this.origin = { source: 'connection', conn: this }
    const { id, name, role, color } = user
    this.presence = { id, name, role, color, colorLight: lightColor(color) }
    this.tokens = options.maxMessagesPerSecond * 2
    this.stream = directStream(socket)
  }

  /** The identity the server stamps on this connection's awareness state. */
  readonly presence: PresenceUser

  /** Takes one message from the token bucket; false means the connection is flooding. */
  takeMessage(now = Date.now()): boolean {
    const max = this.options.maxMessagesPerSecond
    this.tokens = Math.min(max * 2, this.tokens + ((now - this.refilledAt) / 1000) * max)
    this.refilledAt = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /**
   * Sends bytes unless the socket is closing. A peer that stopped reading (its backlog past
   * MAX_BUFFERED_BYTES) is dropped with 1013 rather than buffered without bound; it resyncs on
   * reconnect.
   */
  send(bytes: Uint8Array, onWritten?: (err?: Error) => void): void {
    if (this.writable()) this.socket.send(bytes, onWritten)
  }

  /** Sends a turn's messages, framed once for the whole room, in one write. */
  sendOutgoing(out: Outgoing): void {
    if (!this.writable()) return
    if (this.stream) this.stream.write(out.frames)
    else for (const m of out.messages) this.socket.send(m)
  }

  private writable(): boolean {
    if (this.closed || this.socket.readyState !== OPEN) return false
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close({ code: 1013, reason: 'too slow, reconnect' })
      return false
    }
    return true
  }

  /** Closes with an entry of the CLOSE table (or 1013 for slow peers); idempotent. */
  close(entry: CloseEntry): void {
    if (this.closed) return
    this.closed = true
    try {
      this.socket.close(entry.code, entry.reason)
    } catch {
      // the socket is already gone
    }
    this.options.onClose?.(entry)
  }
}
