/**
 * A small warm pool per runtime: processes that loaded their runtime and wait for one subject.
 * Each is taken once and killed after its run; the pool refills one process at a time at low
 * CPU priority, so refilling never competes with the server or with runs in progress.
 */
import { SandboxProcess, type SandboxSetup } from './sandboxProcess'
import type { DriverMode } from './protocol'

/** `nice` of refills: below the server and below runs someone is waiting for. */
export const REFILL_NICE = 10

/** Warm processes of one runtime. */
export class WarmPool {
  private readonly idle: SandboxProcess[] = []
  private refilling = false
  private closed = false

  constructor(
    private readonly setup: () => SandboxSetup,
    private readonly mode: Extract<DriverMode, 'python' | 'js'>,
    private readonly size: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts filling the pool in the background. */
  fill(): void {
    if (this.refilling || this.closed || this.idle.length >= this.size) return
    this.refilling = true
    const proc = new SandboxProcess(this.setup(), this.mode, { nice: REFILL_NICE })
    proc.ready.then(
      () => {
        this.refilling = false
        if (this.closed) return proc.kill()
        this.idle.push(proc)
        // A warm process that dies while waiting (the watchdog, an outside kill) leaves the pool.
        void proc.exited.then(() => this.remove(proc))
        this.fill()
      },
      (err) => {
        this.refilling = false
        this.onError(err)
      },
    )
  }

  /** A process for one subject: a warm one when there is one, else a cold one started now at normal priority. */
  take(): { proc: SandboxProcess; warm: boolean } {
    const proc = this.idle.shift()
    this.fill()
    if (proc) {
      proc.prioritize()
      return { proc, warm: true }
    }
    return { proc: new SandboxProcess(this.setup(), this.mode), warm: false }
  }

  /** Resident memory of the idle processes together. */
  memoryBytes(): number {
    return this.idle.reduce((sum, p) => sum + p.rssBytes(), 0)
  }

  get idleCount(): number {
    return this.idle.length
  }

  /** Kills every idle process; the pool fills no more. */
  close(): void {
    this.closed = true
    for (const p of this.idle.splice(0)) p.kill()
  }

  private remove(proc: SandboxProcess): void {
    const i = this.idle.indexOf(proc)
    if (i >= 0) {
      this.idle.splice(i, 1)
      this.fill()
    }
  }
}
