/** One WebSocket connection to one room: who it is, what it may do, and its rate limit. */
import type { ConnectionOrigin } from '../../shared/origins'
import { Access } from '../../shared/permissions'
import type { CloseEntry } from '../../shared/errors'
import { writePermissionDeniedMessage } from '../../shared/protocol'
import type { ParsedRoom } from '../../shared/roomNames'
import { lightColor } from '../../shared/presence'
import type { PresenceUser } from '../../shared/presence'
import type { Credential } from './credential'
import { MAX_BUFFERED_BYTES } from '../config'
import type { Backlog } from './backlog'
import { directStream } from './frames'
import type { Outgoing } from './frames'

/** The part of a `ws` WebSocket a connection uses, so tests can drive rooms without sockets. */
export interface SocketLike {
  readonly readyState: number
  readonly bufferedAmount: number
  send(data: Uint8Array, cb?: (err?: Error) => void): void
  close(code: number, reason: string): void
  /** Drops the TCP connection at once (a slow reader never reads the close frame). */
  terminate?(): void
}

/** Closes a reader too slow for its queue; clients reconnect on 1013 and resync. */
export const CLOSE_TOO_SLOW: CloseEntry = { code: 1013, reason: 'too slow, reconnect' }
/**
 * Asks a client to reconnect after it gained write: writes it sent while read-only were dropped,
 * so its later updates would depend on structs the room never got. A fresh sync sends them all.
 */
export const CLOSE_RESYNC: CloseEntry = { code: 1012, reason: 'access changed, reconnect' }
/** How long a closed slow reader with a short queue may take to go before its socket is dropped. */
const SLOW_CLOSE_GRACE_MS = 1_000
/** A slow reader with more than this queued is dropped at once: its close frame would never arrive. */
const SHED_GRACE_MAX_BYTES = 64 * 1024

const OPEN = 1
const CLOSED = 3

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
  /** The room it is joined to, so live access knows which connections a change affects. */
  room?: ParsedRoom
  /** How it authenticated, so that revoking that credential closes exactly its sockets. */
  credential?: Credential
  /** Where its queued bytes are counted against the server-wide and per-user caps. */
  backlog?: Backlog
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
  /**
   * The client has answered the room's sync step 1. Until then, a stock provider sends each new
   * edit at once while the edits it made offline wait for that answer, so an edit may build on
   * structs the room has not seen yet (roomWrites.ts drops it; the answer carries it).
   */
  answeredStep1 = false
  closed = false
  /** The room it is joined to; null for connections made outside a WebSocket route (tests). */
  readonly room: ParsedRoom | null
  /** The credential it authenticated with; null when none is tracked. */
  readonly credential: Credential | null
  /** Why it may not write, when it may not: told to the client with the auth message. */
  accessReason = ''
  /** Set while the client has been told it may not write (permission denied), until it may again. */
  private deniedSent = false
  /** It sent writes while read-only, which were dropped: its document is ahead of the room's. */
  private droppedWrites = false
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
    this.room = options.room ?? null
    this.credential = options.credential ?? null
    const { id, name, role, color } = user
    this.presence = { id, name, role, color, colorLight: lightColor(color) }
    this.tokens = options.maxMessagesPerSecond * 2
    this.stream = directStream(socket)
  }

  /** The identity the server stamps on this connection's awareness state. */
  readonly presence: PresenceUser

  /**
   * Changes what the connection may do, live (services/access.ts). Losing write tells the client
   * once, with the protocol's auth message (permission denied) and `reason`, so the page can say
   * why instead of dropping keystrokes in silence.
   */
  setAccess(access: Access, reason: string): void {
    const was = this.access
    this.access = access
    this.accessReason = reason
    if (access === Access.write) {
      this.deniedSent = false
      // Its dropped writes left a gap that its next update would depend on: resync from scratch.
      if (was !== Access.write && this.droppedWrites) this.close(CLOSE_RESYNC)
    } else if (was === Access.write) this.denyWrites()
  }

  /**
   * Notes a write frame from a read-only connection (the room drops it) and tells the client
   * once why it may not write.
   */
  refuseWrite(): void {
    this.droppedWrites = true
    this.denyWrites()
  }

  /**
   * Sends the permission-denied auth message with `accessReason`, once until write is given
   * back: the answer to a read-only connection that writes, and to one that just lost write.
   */
  denyWrites(): void {
    if (this.deniedSent) return
    this.deniedSent = true
    this.send(writePermissionDeniedMessage(this.accessReason || 'read-only: your edits are not saved'))
  }

  /**
   * Tells the client that the room refused one of its updates under its write rules (someone
   * else's comment, a server-written root): every time, with `reason`, since each refusal drops
   * different work. Its client holds what the room refused and reloads the room.
   */
  refuseUpdate(reason: string): void {
    this.send(writePermissionDeniedMessage(reason))
  }

  /** Follows a role change, so the presence the server stamps says what the user now is. */
  setRole(role: string): void {
    this.user.role = role
    this.presence.role = role
  }

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
    if (!this.writable()) return
    this.socket.send(bytes, onWritten)
    this.options.backlog?.note(this)
  }

  /** Sends a turn's messages, framed once for the whole room, in one write. */
  sendOutgoing(out: Outgoing): void {
    if (!this.writable()) return
    if (this.stream) this.stream.write(out.frames)
    else for (const m of out.messages) this.socket.send(m)
    this.options.backlog?.note(this)
  }

  private writable(): boolean {
    if (this.closed || this.socket.readyState !== OPEN) return false
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.shed()
      return false
    }
    return true
  }

  /** For the backlog: the user whose queues this one counts against. */
  get userId(): string {
    return this.user.id
  }

  /** Bytes queued to the peer and not yet read. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount
  }

  /**
   * Closes a reader too slow for its queue with 1013 and, when the queue is more than a close
   * frame could get past, drops the socket at once: a peer that stopped reading never reads the
   * close frame behind its queue, and `ws` would hold the queue (and its memory) for its 30 s
   * close timeout. The peer sees the connection end and reconnects either way.
   */
  shed(): void {
    if (this.closed) return
    const queued = this.socket.bufferedAmount
    this.close(CLOSE_TOO_SLOW)
    const socket = this.socket
    if (!socket.terminate) return
    const terminate = () => {
      try {
        if (socket.readyState !== CLOSED) socket.terminate?.()
      } catch {
        // already gone
      }
    }
    if (queued > SHED_GRACE_MAX_BYTES) return terminate()
    setTimeout(terminate, SLOW_CLOSE_GRACE_MS).unref()
  }

  /** Closes with an entry of the CLOSE table (or 1013 for slow peers); idempotent. */
  close(entry: CloseEntry): void {
    if (this.closed) return
    this.closed = true
    this.options.backlog?.forget(this)
    try {
      this.socket.close(entry.code, entry.reason)
    } catch {
      // the socket is already gone
    }
    this.options.onClose?.(entry)
  }
}
