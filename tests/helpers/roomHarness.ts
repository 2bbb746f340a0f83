/**
 * A room in process: server/sync/room.ts with real storage (memory, or a log in a temp dir) and
 * test connections whose outgoing frames are collected. The room's turn flush never runs on its
 * own: `flush()` runs it, so a test says exactly when a turn ends and needs neither a server nor
 * timers (as tldraw's sync-core tests drive their room). `TestClient` is a Yjs document speaking
 * y-protocols sync and awareness over a test connection, the way a stock provider does.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import { Access } from '../../shared/permissions'
import { parseRoomName, roomName } from '../../shared/roomNames'
import { MessageType, writeAwarenessMessage, writeUpdateMessage } from '../../shared/protocol'
import { Connection } from '../../server/sync/connection'
import type { SocketLike } from '../../server/sync/connection'
import { Room } from '../../server/sync/room'
import type { RoomActivity } from '../../server/sync/roomActivity'
import type { WriteRules } from '../../server/sync/writeRules'
import { MemoryStorage } from '../../server/storage/memoryStorage'
import type { RoomStorage } from '../../server/storage/updateLog'
import { MemoryOwnerStore } from '../../server/storage/ownerStore'
import type { OwnerStore } from '../../server/storage/ownerStore'

export interface HarnessOptions {
  /** The room's name; a workspace by default (its texts hold text only). */
  name?: string
  /** Where the room is stored; memory by default. Pass the same one to a second harness to reload. */
  storage?: RoomStorage
  owners?: OwnerStore
  /** The room's write rules; its kind's built-in ones when undefined. */
  rules?: WriteRules | null
  /** Also told what the room classified each frame as (time on task). */
  onActivity?: (conn: Connection, activity: RoomActivity) => void
}

/** A user as a test connection carries it. */
export interface TestUser {
  id: string
  name?: string
  role?: string
}

/** A connection to the harness's room; the frames the room sent it are in `sent`. */
export class TestConnection {
  readonly sent: Uint8Array[] = []
  closedWith: { code: number; reason: string } | null = null
  readonly conn: Connection

  constructor(
    readonly harness: RoomHarness,
    user: TestUser,
    access: Access,
  ) {
    const socket: SocketLike = {
      readyState: 1,
      bufferedAmount: 0,
      send: (data, cb) => {
        this.sent.push(new Uint8Array(data))
        cb?.()
      },
      close: (code, reason) => {
        this.closedWith = { code, reason }
      },
    }
    const role = user.role ?? 'annotator'
    this.conn = new Connection(socket, { id: user.id, name: user.name ?? user.id, role, color: '#336699' }, access, {
      maxMessagesPerSecond: 1e9,
      room: parseRoomName(harness.room.name) ?? undefined,
    })
  }

  /** Hands the room one frame from this connection, as the socket would. */
  send(bytes: Uint8Array): void {
    this.harness.room.receive(this.conn, bytes)
  }

  /** The sync and awareness messages received so far, by top-level type. */
  received(type: number): Uint8Array[] {
    return this.sent.filter((m) => m[0] === type)
  }

  /** Leaves the room, as a socket close does. */
  leave(): void {
    this.conn.closed = true
    this.harness.room.leave(this.conn)
  }
}

/** One room, its connections, and the turns waiting for `flush()`. */
export class RoomHarness {
  readonly room: Room
  readonly storage: RoomStorage
  /** What the room classified each frame as, for time on task. */
  readonly activity: Array<{ user: string; activity: RoomActivity }> = []
  readonly warnings: Array<{ message: string; detail?: Record<string, unknown> }> = []
  readonly errors: Array<{ message: string; err: unknown }> = []
  private turns: Array<() => void> = []
  /** Clients made on this room's connections, destroyed by `close()` (their awareness holds a timer). */
  readonly clients = new Set<TestClient>()

  constructor(options: HarnessOptions = {}) {
    this.storage = options.storage ?? new MemoryStorage()
    this.room = new Room(
      options.name ?? roomName.workspace('t1'),
      this.storage,
      {
        warn: (message, detail) => this.warnings.push({ message, detail }),
        error: (message, err) => this.errors.push({ message, err }),
      },
      {
        onActivity: (conn, activity) => {
          this.activity.push({ user: conn.user.id, activity })
          options.onActivity?.(conn, activity)
        },
      },
      options.owners ?? new MemoryOwnerStore(),
      options.rules,
      undefined,
      (flush) => this.turns.push(flush),
    )
    this.loaded = Promise.resolve(this.room.load())
  }

  /** Resolves once the room is loaded: at once from memory or files, later from a shared store. */
  readonly loaded: Promise<void>

  /** Joins a connection for `user` with `access`; the room sends it step 1 (and presence) at once. */
  connect(user: TestUser, access: Access = Access.write): TestConnection {
    const tc = new TestConnection(this, user, access)
    this.room.join(tc.conn)
    return tc
  }

  /** Ends the turn: runs the room's flush (store, then relay). Returns whether one was waiting. */
  flush(): boolean {
    const turns = this.turns
    this.turns = []
    for (const run of turns) run()
    return turns.length > 0
  }

  /** Turns ended and client messages delivered, back and forth, until nothing is left to do. */
  settle(...clients: TestClient[]): void {
    for (let i = 0; i < 100; i++) {
      const ran = this.flush()
      const read = clients.map((c) => c.pump()).some(Boolean)
      if (!ran && !read && this.turns.length === 0) return
    }
    throw new Error('the room and its clients did not settle in 100 rounds')
  }

  /** Destroys its clients and frees the room without storing anything more. */
  close(): void {
    for (const c of this.clients) c.destroy()
    this.clients.clear()
    this.room.discard()
  }
}

const REMOTE = Symbol('from the room')

/** A client document on a test connection, synced the way y-websocket's provider syncs. */
export class TestClient {
  readonly doc = new Y.Doc()
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  /** The room has answered our step 1 (y-websocket's `synced`). */
  synced = false
  private read = 0

  constructor(readonly tc: TestConnection) {
    tc.harness.clients.add(this)
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.sync)
    syncProtocol.writeSyncStep1(enc, this.doc)
    tc.send(encoding.toUint8Array(enc))
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) tc.send(writeUpdateMessage(update))
    })
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === REMOTE) return
      const changed = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID)
      if (changed.length) tc.send(writeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)))
    })
  }

  /** Reads the frames the room sent since the last pump and answers them; returns whether any came. */
  pump(): boolean {
    const frames = this.tc.sent.slice(this.read)
    this.read = this.tc.sent.length
    for (const frame of frames) {
      const dec = decoding.createDecoder(frame)
      const type = decoding.readVarUint(dec)
      if (type === MessageType.sync) {
        const enc = encoding.createEncoder()
        encoding.writeVarUint(enc, MessageType.sync)
        const sub = syncProtocol.readSyncMessage(dec, enc, this.doc, REMOTE)
        if (sub === syncProtocol.messageYjsSyncStep2) this.synced = true
        if (encoding.length(enc) > 1) this.tc.send(encoding.toUint8Array(enc))
      } else if (type === MessageType.awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(dec), REMOTE)
      }
    }
    return frames.length > 0
  }

  destroy(): void {
    this.awareness.destroy()
    this.doc.destroy()
  }
}
