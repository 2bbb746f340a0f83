/**
 * A small warm pool per runtime: processes that loaded their runtime and wait for one subject.
 * Each is taken once and killed after its run; the pool refills at low CPU priority, so
 * refilling never competes with the server or with runs in progress. A run that finds the pool
 * empty takes a process still starting (raised to normal priority) before it starts a new one:
 * the work already done for it is never thrown away.
 */
import { SandboxProcess, type SandboxSetup } from './sandboxProcess'
import type { DriverMode } from './protocol'

/** `nice` of refills: below the server and below runs someone is waiting for. */
export const REFILL_NICE = 10
/** Processes started at once to refill: one per core of a small server, all at the refill's priority. */
export const REFILL_PARALLEL = 2

/** Warm processes of one runtime. */
export class WarmPool {
  private readonly idle: SandboxProcess[] = []
  /** Refills still loading their runtime, oldest first. */
  private readonly starting: SandboxProcess[] = []
  private closed = false

  constructor(
    private readonly setup: () => SandboxSetup,
    private readonly mode: Extract<DriverMode, 'python' | 'js'>,
    private readonly size: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts filling the pool in the background. */
  fill(): void {
    while (!this.closed && this.starting.length < REFILL_PARALLEL && this.idle.length + this.starting.length < this.size) this.startOne()
  }

  /**
   * A process for one subject: a warm one when there is one, else the refill closest to ready,
   * else a cold one started now. Whatever it is runs at normal priority.
   */
  take(): { proc: SandboxProcess; warm: boolean } {
    const idle = this.idle.shift()
    const proc = idle ?? this.starting.shift()
    this.fill()
    if (proc) {
      proc.prioritize()
      return { proc, warm: idle !== undefined }
    }
    return { proc: new SandboxProcess(this.setup(), this.mode), warm: false }
  }

  /** Resident memory of the idle processes together. */
  memoryBytes(): number {
    return this.idle.reduce((sum, p) => sum + p.rssBytes(), 0)
  }

  /** CPU time the idle processes spent starting, in milliseconds. */
  cpuMs(): number {
    return this.idle.reduce((sum, p) => sum + p.cpuMs(), 0)
  }

  get idleCount(): number {
    return this.idle.length
  }

  /** Kills every idle and starting process; the pool fills no more. */
  close(): void {
    this.closed = true
    for (const p of [...this.idle.splice(0), ...this.starting.splice(0)]) p.kill()
  }

  private startOne(): void {
    const proc = new SandboxProcess(this.setup(), this.mode, { nice: REFILL_NICE })
    this.starting.push(proc)
    proc.ready.then(
      () => {
        const i = this.starting.indexOf(proc)
        // Taken by a run while it started: it is that run's now.
        if (i < 0) return
        this.starting.splice(i, 1)
        if (this.closed) return proc.kill()
        this.idle.push(proc)
        // A warm process that dies while waiting (the watchdog, an outside kill) leaves the pool.
        void proc.exited.then(() => this.remove(proc))
        this.fill()
      },
      (err) => {
        const i = this.starting.indexOf(proc)
        if (i < 0) return // the run that took it reports the failure
        this.starting.splice(i, 1)
        this.onError(err)
      },
    )
  }

  private remove(proc: SandboxProcess): void {
    const i = this.idle.indexOf(proc)
    if (i >= 0) {
      this.idle.splice(i, 1)
      this.fill()
    }
  }
}
