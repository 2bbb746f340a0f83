/**
 * Background work spread over event-loop turns: one job per turn, in order. Jobs that would all
 * fall due in the same timers phase (every room's save debounce under even load, every room left
 * idle by the same batch of disconnects) would otherwise run back to back and stall the relays
 * of every other room for the sum of their costs. Queued, each costs one short turn.
 *
 * A job that returns a promise holds the queue until it settles, so at most one of them is in
 * flight (compactions: one snapshot write at a time).
 */
export class TurnQueue {
  private readonly jobs: Array<() => unknown> = []
  private draining = false

  /** Runs `job` in a later turn, after every job queued before it. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push(() =>
        // Promise.resolve().then: a job that throws synchronously rejects instead of stopping the queue.
        Promise.resolve()
          .then(job)
          .then(resolve, reject)
          .finally(() => this.next()),
      )
      if (!this.draining) {
        this.draining = true
        setImmediate(() => this.next())
      }
    })
  }

  get length(): number {
    return this.jobs.length
  }

  private next(): void {
    const job = this.jobs.shift()
    if (job) setImmediate(job)
    else this.draining = false
  }
}

/** Snapshot writes, one at a time for the whole process. */
export const compactions = new TurnQueue()
/** Room unloads, started one per turn (what follows each start is asynchronous). */
export const unloads = new TurnQueue()
