/**
 * A room's storage when several instances share it: the room log (PostgreSQL) holds the room,
 * and the room bus (Redis Streams) tells the other instances what each one committed. The room
 * engine sees the same `RoomStorage` as with files; only its answers come later.
 *
 * - `load` notes the bus position first, then reads the log, then follows the bus from that
 *   position: whatever was published before the position was committed before the read.
 * - `append` resolves once the log committed the update (durable before relay, on every
 *   instance), then publishes it with its number. A publish that fails is tried again while Redis
 *   is away, and loses nothing meanwhile: the next update another instance receives reveals the
 *   hole, and it reads it from the log.
 * - Other instances' updates reach the room in commit order (commitOrder.ts); a gap the bus
 *   reports, or a hole that lasts, is read from the log, or the whole room when the log already
 *   folded it into a snapshot.
 * - A sealed room refuses appends at the log itself (RoomSealedError): the room resets and its
 *   clients reconnect, on any instance, to a room that takes no writes.
 */
import type { BusMessage, RoomBus } from './roomBus'
import type { RoomLog, StoredRoom } from './roomLog'
import type { RemoteChanges, RoomStorage, StoredUpdates } from './updateLog'
import { CommitOrder } from './commitOrder'
import type { OwnerStore } from './ownerStore'

/** What every shared room of an instance uses. */
export interface SharedRoomParts {
  log: RoomLog
  /** Null: one instance on the shared log, with nobody to tell (tests, a migration). */
  bus: RoomBus | null
  /** Something went wrong that the room itself cannot report (a publish, a catch-up). */
  onError(message: string, err: unknown, detail: Record<string, unknown>): void
}

/** A failed publish is tried again every second for two minutes; after that a reader's hole check finds it. */
const PUBLISH_RETRY_MS = 1_000
const MAX_PUBLISH_ATTEMPTS = 120

function stateOf(stored: StoredRoom): Uint8Array[] {
  return stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates
}

function bytesOf(updates: readonly Uint8Array[]): number {
  let n = 0
  for (const u of updates) n += u.length
  return n
}

export class SharedRoomStorage implements RoomStorage {
  neverStored = false
  logBytes = 0
  snapshotBytes = 0
  private order: CommitOrder | null = null
  /** Bus messages that arrived before the log was read. */
  private early: BusMessage[] | null = []
  private unsubscribe: (() => void) | null = null
  private remote: RemoteChanges | null = null
  /** A publish failed and none has succeeded since (logged once per outage). */
  private publishFailing = false
  private closed = false

  constructor(
    readonly room: string,
    private readonly parts: SharedRoomParts,
  ) {}

  /** Owners as loaded, plus the claims that wait for the next append to carry them. */
  private owners: Array<[number, string]> = []
  private claims: Array<[number, string]> = []
  readonly ownerStore: OwnerStore = {
    load: () => this.owners.slice(),
    add: (entries) => {
      this.owners.push(...entries)
      this.claims.push(...entries)
    },
  }

  async load(): Promise<Uint8Array[]> {
    const { bus, log } = this.parts
    if (bus && !this.unsubscribe) {
      const from = await bus.position({ room: this.room })
      if (this.closed) throw new Error(`room ${this.room} was closed while it loaded`)
      this.unsubscribe = bus.subscribe({ room: this.room }, from, {
        onMessage: (m) => this.onMessage(m),
        onGap: () => this.order && this.readMissing(this.order.head),
        onBadEntry: (id, problem) => this.parts.onError('a bus entry did not parse; skipped', new Error(problem), { room: this.room, id }),
      })
    }
    const [stored, owners] = await Promise.all([log.load(this.room), log.loadOwners(this.room)])
    this.owners = owners
    this.order?.close()
    this.order = new CommitOrder(stored.head, (since) => void this.readMissing(since))
    const early = this.early ?? []
    this.early = null
    for (const m of early) this.onMessage(m)
    this.neverStored = stored.head === 0 && stored.snapshot === null
    this.snapshotBytes = stored.snapshot?.length ?? 0
    this.logBytes = bytesOf(stored.updates)
    return stateOf(stored)
  }

  async peek(): Promise<StoredUpdates> {
    const stored = await this.parts.log.load(this.room)
    return { updates: stateOf(stored), neverStored: stored.head === 0 && stored.snapshot === null }
  }

  follow(from: RemoteChanges): void {
    this.remote = from
    this.order?.follow((update) => from.committed(update))
    // Presence on the bus is live only: ask the others for who is already here, rather than
    // showing them when their clients renew their states (every 15 s).
    const { bus } = this.parts
    if (!bus || this.closed) return
    bus.publish({ room: this.room }, 'presence-query', new Uint8Array(0)).catch((err) => {
      this.parts.onError('asking for presence failed', err, { room: this.room })
    })
  }

  publishPresence(update: Uint8Array): void {
    const { bus } = this.parts
    if (!bus || this.closed) return
    bus.publish({ room: this.room }, 'presence', update).catch((err) => {
      this.parts.onError('publishing presence failed', err, { room: this.room })
    })
  }

  async append(update: Uint8Array): Promise<void> {
    // The claims made for this update (and any before it in this append) commit with it or not at all.
    const claims = this.claims
    this.claims = []
    const seq = await this.parts.log.append(this.room, update, claims)
    this.logBytes += update.length
    this.order?.own(seq)
    this.publish(update, seq)
  }

  async writeInitial(state: Uint8Array): Promise<boolean> {
    const wrote = await this.parts.log.initialize(this.room, state)
    if (wrote) {
      this.neverStored = false
      this.snapshotBytes = state.length
    }
    return wrote
  }

  async compact(state: Uint8Array): Promise<void> {
    // Numbered up to what the document surely holds; it may hold more, which the log keeps too.
    const upTo = this.order?.head ?? 0
    if (upTo === 0) return
    if (await this.parts.log.compact(this.room, state, upTo)) {
      this.snapshotBytes = state.length
      this.logBytes = 0
    }
  }

  close(): void {
    this.closed = true
    this.unsubscribe?.()
    this.unsubscribe = null
    this.order?.close()
  }

  private onMessage(message: BusMessage): void {
    if (message.from === this.parts.bus?.instanceId) return
    if (message.kind === 'presence') {
      // Presence is live only: what was said before the room loaded here comes as answers to the
      // query `follow` sends (or is renewed within 15 s).
      if (!this.early) this.remote?.presence(message.payload)
      return
    }
    if (message.kind === 'presence-query') {
      if (!this.early) this.remote?.presenceQuery()
      return
    }
    if (message.kind !== 'update' || message.seq === undefined) return
    if (this.early) {
      this.early.push(message)
      return
    }
    this.order?.committed(message.seq, message.payload)
  }

  /**
   * Tells the other instances, retrying while Redis is away (the order does not matter: they put
   * updates back in commit order). The first failure of an outage is logged, not every one.
   */
  private publish(update: Uint8Array, seq: number, attempt = 1): void {
    const { bus } = this.parts
    if (!bus || this.closed) return
    bus.publish({ room: this.room }, 'update', update, seq).then(
      () => {
        if (this.publishFailing) this.publishFailing = false
      },
      (err) => {
        if (!this.publishFailing) {
          this.publishFailing = true
          this.parts.onError('publishing stored updates fails; retrying, and other instances read them from the log meanwhile', err, { room: this.room, seq })
        }
        if (attempt >= MAX_PUBLISH_ATTEMPTS) return
        setTimeout(() => this.publish(update, seq, attempt + 1), PUBLISH_RETRY_MS).unref()
      },
    )
  }

  /**
   * Brings the room up to everything the log holds now (finalize reads it under the log's seal,
   * so nothing can commit after). Rejects when the log cannot be read.
   */
  async catchUp(): Promise<void> {
    if (this.order) await this.readMissing(this.order.head, true)
  }

  /** Reads what the bus did not bring; the whole room when the log folded it into a snapshot. */
  private async readMissing(since: number, rethrow = false): Promise<void> {
    const order = this.order
    if (!order || this.closed) return
    try {
      const tail = await this.parts.log.readSince(this.room, since)
      if (this.closed || order !== this.order) return
      if (tail) {
        for (const { seq, update } of tail.updates) order.committed(seq, update)
        return
      }
      const stored = await this.parts.log.load(this.room)
      if (!this.closed && order === this.order) order.replaced(stateOf(stored), stored.head)
    } catch (err) {
      if (rethrow) throw err
      this.parts.onError('reading missed updates from the room log failed; retrying on the next one', err, { room: this.room, since })
    }
  }
}
