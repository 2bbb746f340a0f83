/**
 * One instance's reader of one PostgreSQL record log (recordDocs.ts `readLog`): it hands every
 * entry to its handler once, in sequence order, for a local append and another instance's alike.
 * An appender `reach`es the sequence number its append resolved with (read your own writes);
 * other instances' entries arrive on the next `catchUp`, on a timer or when a hint asks sooner.
 * The log's own lock (recordWrites.ts) means "everything after the last entry I applied" never
 * skips an entry that commits late. A handler that throws is reported and the reader moves on.
 */
import { CatchUpRounds } from './catchUpRounds'
import type { PostgresRecordDocs } from './recordDocs'
import { checkLogName } from './recordWrites'

/** How often a follower asks for other instances' entries when nothing hints sooner. */
export const DEFAULT_LOG_POLL_MS = 250
/** Entries asked for per round trip while catching up. */
const PAGE = 1_000

export type LogHandler = (entries: readonly { seq: number; body: unknown }[]) => void

export interface LogFollowerOptions {
  pollMs?: number
  /** The handler threw or a catch-up failed (it is retried on the next poll). */
  onError?: (err: unknown) => void
}

export class LogFollower {
  private readonly rounds = new CatchUpRounds(() => this.round(), () => this.stopped)
  private applied = 0
  private started = false
  private stopped = false
  private timer: NodeJS.Timeout | null = null
  private readonly pollMs: number
  private readonly onError: (err: unknown) => void

  constructor(
    readonly docs: PostgresRecordDocs,
    readonly log: string,
    private readonly handler: LogHandler,
    options: LogFollowerOptions = {},
  ) {
    checkLogName(log)
    this.pollMs = options.pollMs ?? DEFAULT_LOG_POLL_MS
    this.onError = options.onError ?? ((err) => console.error(`codejury: following the ${log} log failed:`, err))
  }

  /** The sequence number memory is complete up to. */
  get seq(): number {
    return this.applied
  }

  /** Reads the whole log, then follows it. */
  async start(): Promise<void> {
    if (this.started) throw new Error(`the ${this.log} log follower was started twice`)
    this.started = true
    await this.catchUp()
    this.schedule()
  }

  /** Resolves once every entry up to `seq` was handled; rejects when a catch-up fails. */
  async reach(seq: number): Promise<void> {
    while (this.applied < seq) {
      if (this.stopped) throw new Error(`the ${this.log} log follower was stopped`)
      await this.catchUp()
    }
  }

  /** Handles what was appended since the last catch-up; concurrent calls share one round. */
  catchUp(): Promise<void> {
    return this.rounds.run()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private async round(): Promise<void> {
    for (;;) {
      const page = await this.docs.readLog(this.log, this.applied, PAGE)
      if (page.entries.length) {
        try {
          this.handler(page.entries)
        } catch (err) {
          this.onError(err)
        }
      }
      this.applied = page.seq
      if (page.entries.length < PAGE) return
    }
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.catchUp()
        .catch((err) => this.onError(err))
        .finally(() => this.schedule())
    }, this.pollMs)
    this.timer.unref()
  }
}
