/**
 * The read side of the Redis room bus: one dedicated connection runs a loop that XREADs every
 * subscribed stream with BLOCK, each from the oldest position of its subscriptions. A change of
 * subscriptions interrupts the blocked read (CLIENT UNBLOCK from the command connection) instead
 * of waiting out its timeout. A stream that may have been trimmed past a position (a new start, a
 * reconnect, a full batch) is read with a check instead: XINFO STREAM and XRANGE in one MULTI, so
 * the trim is seen atomically with what is still there.
 */
import type { Redis } from 'ioredis'
import type { BusSubscriber } from '../roomBus'
import { ZERO_ID, compareIds } from './streamIds'
import { StreamState, clearBroken, deliver, entryTime, lostAfter, markBroken, parseStreamInfo, reportGap } from './streamState'
import type { DeliveryContext, RawEntry, Subscription } from './streamState'

export interface StreamReaderOptions extends DeliveryContext {
  /** Most entries read per stream per round; at most the publishers' MAXLEN (see `liveRead`). */
  batch: number
  blockMs: number
  /** How long an unreadable stream rests before it is tried again. */
  brokenRetryMs: number
}

interface Planned {
  state: StreamState
  from: string
  subs: Subscription[]
  check: boolean
}

export class StreamReader {
  private readonly streams = new Map<string, StreamState>()
  private generation = 0
  private inFlight: { generation: number } | null = null
  private unblocking = false
  private clientId: number | null = null
  private runId: string | null = null
  private disconnectedAt: number | null = Date.now()
  private closed = false
  private wake: (() => void) | null = null
  private readonly pauses = new Map<NodeJS.Timeout, () => void>()
  private readonly done: Promise<void>
  private stopped!: () => void
  /** Settles when close() starts: no command of the loop outlives it, even one ioredis keeps. */
  private readonly stopping = new Promise<never>((_, reject) => {
    this.stopped = () => reject(new Error('the room bus is closed'))
  })

  constructor(
    private readonly conn: Redis,
    private readonly command: Redis,
    private readonly opts: StreamReaderOptions,
  ) {
    conn.on('close', () => {
      this.clientId = null
      this.disconnectedAt ??= Date.now()
    })
    this.stopping.catch(() => {})
    this.done = this.run()
  }

  /** `reply`, unless close() comes first (a read cut by a lost connection can wait for a reconnect). */
  private guard<T>(reply: Promise<T>): Promise<T> {
    reply.catch(() => {})
    return Promise.race([reply, this.stopping])
  }

  /** Adds a subscription; with a null position it waits for `start`. */
  add(key: string, subscriber: BusSubscriber, position: string | null): Subscription {
    let state = this.streams.get(key)
    if (!state) this.streams.set(key, (state = new StreamState(key)))
    const sub: Subscription = { key, subscriber, position, active: true, needsCheck: true, gapReportedAt: null }
    state.subs.add(sub)
    if (position !== null) this.changed()
    return sub
  }

  /** Starts a subscription whose "from now on" position is now known. */
  start(sub: Subscription, position: string): void {
    if (!sub.active || sub.position !== null) return
    sub.position = position
    this.changed()
  }

  remove(sub: Subscription): void {
    if (!sub.active) return
    sub.active = false
    const state = this.streams.get(sub.key)
    state?.subs.delete(sub)
    if (state && state.subs.size === 0) this.streams.delete(sub.key)
    this.changed()
  }

  get connected(): boolean {
    return this.conn.status === 'ready' && this.clientId !== null
  }

  /** Age (ms) of the oldest entry known to be undelivered; while disconnected, the time since. */
  lagMs(now = Date.now()): number {
    let since: number | null = null
    const anySubs = this.streams.size > 0
    if (anySubs && !this.connected && this.disconnectedAt !== null) since = this.disconnectedAt
    for (const state of this.streams.values()) {
      if (state.behindSince !== null && (since === null || state.behindSince < since)) since = state.behindSince
    }
    return since === null ? 0 : Math.max(0, now - since)
  }

  async close(): Promise<void> {
    this.closed = true
    this.stopped()
    this.wake?.()
    for (const [timer, resolve] of this.pauses) {
      clearTimeout(timer)
      resolve()
    }
    this.pauses.clear()
    this.conn.disconnect()
    await this.done
    for (const state of this.streams.values()) for (const sub of state.subs) sub.active = false
    this.streams.clear()
  }

  private changed(): void {
    this.generation++
    this.wake?.()
    void this.unblock()
  }

  private stale(): boolean {
    return !this.closed && this.inFlight !== null && this.inFlight.generation < this.generation
  }

  /**
   * Interrupts a blocked read that was planned before the latest change. CLIENT UNBLOCK answers 0
   * when the XREAD has not reached Redis yet (the two connections race), so it is sent again until
   * the stale read is over.
   */
  private async unblock(): Promise<void> {
    if (this.unblocking) return
    this.unblocking = true
    let unblocked: { generation: number } | null = null
    try {
      while (this.stale() && this.clientId !== null && this.command.status === 'ready') {
        const flight = this.inFlight
        if (unblocked !== flight && (await this.command.client('UNBLOCK', this.clientId)) === 1) unblocked = flight
        await this.pause(1)
      }
    } catch (err) {
      if (!this.closed) this.opts.onError(err)
    } finally {
      this.unblocking = false
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pauses.delete(timer)
        resolve()
      }, ms)
      this.pauses.set(timer, resolve)
    })
  }

  /** Waits for `wake` (a change, a close, the connection coming back) or `ms`. */
  private idle(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null
      const done = () => {
        if (timer) clearTimeout(timer)
        this.conn.off('ready', done)
        this.wake = null
        resolve()
      }
      this.wake = done
      this.conn.once('ready', done)
      if (ms !== null) timer = setTimeout(done, ms)
    })
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.round()
      } catch (err) {
        if (this.closed) return
        // A lost connection needs no report: the next round waits for it and rereads from the positions.
        if (this.connected) {
          // A reply error may be one stream's (a key of another type): the checked path finds which.
          this.opts.onError(err)
          this.markAllForCheck()
          await this.pause(100)
        }
      }
    }
  }

  private markAllForCheck(): void {
    for (const state of this.streams.values()) for (const sub of state.subs) sub.needsCheck = true
  }

  private async round(): Promise<void> {
    if (this.conn.status !== 'ready') return this.idle(null)
    if (this.clientId === null) await this.onConnection()
    const generation = this.generation
    const { plan, restMs } = this.plan()
    if (plan.length === 0) return this.idle(restMs)
    const checked = plan.filter((p) => p.check)
    if (checked.length > 0) await this.checkedRead(checked)
    const live = plan.filter((p) => !p.check)
    if (live.length === 0 || this.closed) return
    const block = checked.length === 0 && this.generation === generation
    await this.liveRead(live, block ? Math.min(this.opts.blockMs, restMs ?? Infinity) : null, generation)
  }

  /**
   * A new connection: its id is what CLIENT UNBLOCK names, and every stream is read checked, for
   * what was trimmed meanwhile. A Redis that restarted (a new run_id) may have lost whatever it had
   * not persisted, so every subscription that had a position is told of a gap.
   */
  private async onConnection(): Promise<void> {
    const [id, server] = await this.guard(Promise.all([this.conn.client('ID'), this.conn.info('server')]))
    const runId = /^run_id:(\w+)/m.exec(server)?.[1] ?? null
    const restarted = this.runId !== null && runId !== this.runId
    this.runId = runId
    this.clientId = Number(id)
    this.disconnectedAt = null
    this.markAllForCheck()
    if (!restarted) return
    for (const state of this.streams.values()) {
      for (const sub of state.subs) if (sub.position !== null && sub.position !== ZERO_ID) reportGap(sub, this.opts)
    }
  }

  private plan(): { plan: Planned[]; restMs: number | null } {
    const now = Date.now()
    const plan: Planned[] = []
    let restMs: number | null = null
    for (const state of this.streams.values()) {
      if (state.brokenUntil > now) {
        restMs = Math.min(restMs ?? Infinity, state.brokenUntil - now)
        continue
      }
      let from: string | null = null
      let check = state.brokenUntil !== 0
      const subs: Subscription[] = []
      for (const sub of state.subs) {
        if (sub.position === null) continue
        subs.push(sub)
        if (from === null || compareIds(sub.position, from) < 0) from = sub.position
        check ||= sub.needsCheck
      }
      if (from !== null) plan.push({ state, from, subs, check })
    }
    return { plan, restMs }
  }

  /** XINFO STREAM + XRANGE per stream in one MULTI: the trim and the remaining entries at once. */
  private async checkedRead(items: Planned[]): Promise<void> {
    const batch = this.opts.batch
    const multi = this.conn.multi()
    for (const it of items) multi.xinfo('STREAM', it.state.key).xrangeBuffer(it.state.key, `(${it.from}`, '+', 'COUNT', batch + 1)
    const replies = await this.guard(multi.exec())
    if (!replies) throw new Error('the MULTI of a checked read was aborted')
    items.forEach((it, i) => {
      const [infoErr, info] = replies[2 * i]
      const [rangeErr, range] = replies[2 * i + 1]
      if (infoErr && !/no such key/i.test(infoErr.message)) return markBroken(it.state, infoErr.message, this.opts.brokenRetryMs, this.opts)
      if (rangeErr) return markBroken(it.state, rangeErr.message, this.opts.brokenRetryMs, this.opts)
      const stream = infoErr ? null : parseStreamInfo(info)
      clearBroken(it.state)
      const entries = (Array.isArray(range) ? range : []) as RawEntry[]
      for (const sub of it.subs) if (sub.position !== null && lostAfter(stream, sub.position)) reportGap(sub, this.opts)
      deliver(entries.slice(0, batch), it.subs, this.opts)
      const behind = entries.length > batch
      it.state.behindSince = behind ? entryTime(entries[batch]) : null
      for (const sub of it.subs) sub.needsCheck = behind
    })
  }

  /**
   * A plain XREAD, blocking when `blockMs` is set. A batch that comes back short proves no trim
   * passed the position: MAXLEN ~ keeps at least MAXLEN (≥ batch) entries, all of them newer than
   * anything trimmed. A full batch may follow a trim, so it is dropped and read again checked.
   */
  private async liveRead(items: Planned[], blockMs: number | null, generation: number): Promise<void> {
    const batch = this.opts.batch
    const byKey = new Map<string, Planned>()
    for (const it of items) byKey.set(Buffer.from(it.state.key).toString('latin1'), it)
    const streams = [...items.map((it) => it.state.key), ...items.map((it) => it.from)]
    const flight = { generation }
    this.inFlight = flight
    let reply: unknown
    try {
      reply =
        blockMs === null
          ? await this.guard(this.conn.xreadBuffer('COUNT', batch, 'STREAMS', ...streams))
          : await this.guard(this.conn.xreadBuffer('COUNT', batch, 'BLOCK', Math.max(1, Math.ceil(blockMs)), 'STREAMS', ...streams))
    } finally {
      if (this.inFlight === flight) this.inFlight = null
    }
    if (!Array.isArray(reply)) return
    for (const pair of reply as [Buffer, RawEntry[]][]) {
      const it = byKey.get(pair[0].toString('latin1'))
      if (!it || !Array.isArray(pair[1])) continue
      const entries = pair[1]
      if (entries.length >= batch) {
        it.state.behindSince = entries.length > 0 ? entryTime(entries[0]) : null
        for (const sub of it.subs) sub.needsCheck = true
        continue
      }
      it.state.behindSince = null
      deliver(entries, it.subs, this.opts)
    }
  }
}
