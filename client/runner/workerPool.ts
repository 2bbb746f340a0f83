/** One runtime's workers inside the sandbox frame: a current one, a warm spare, and the time limit. */
import * as v from 'valibot'
import { FromWorkerSchema, type FromWorker, type ToWorker } from './workerProtocol'
import type { Outcome } from '../../shared/runs'

/** Extra time a QuickJS subject gets past its limit before the worker is killed (QuickJS stops itself first). */
const SELF_STOP_GRACE_MS = 1_000
/** A subject running this long may be stopped at its limit: its replacement starts warming now. */
const SLOW_SUBJECT_MS = 1_000
/** How long the pool must be idle before it starts a spare in the background. */
const SPARE_IDLE_MS = 2_000

interface Slot {
  worker: Worker
  port: MessagePort
  warmed: Promise<void>
  listener: ((msg: FromWorker) => void) | null
}

/** A worker can only start from a `data:` module URL in an opaque frame (issue 12's pitfalls). */
function spawn(kind: 'python' | 'js', vendor: string): Slot {
  const script = new URL(`assets/${kind === 'python' ? 'pyWorker' : 'jsWorker'}.js`, new URL('./', location.href)).href
  const worker = new Worker(`data:text/javascript;charset=utf-8,${encodeURIComponent(`import ${JSON.stringify(script)}`)}`, {
    type: 'module',
  })
  const channel = new MessageChannel()
  const slot: Slot = { worker, port: channel.port1, warmed: Promise.resolve(), listener: null }
  slot.warmed = new Promise<void>((resolve, reject) => {
    // Only the private port is heard from; the worker's global channel is ignored after hello.
    worker.onmessage = (e) => {
      if ((e.data as { type?: string } | null)?.type !== 'hello') return
      worker.onmessage = null
      worker.postMessage({ type: 'init', vendor }, [channel.port2])
      slot.port.postMessage({ type: 'warm' } satisfies ToWorker)
    }
    worker.onerror = (e) => reject(new Error(`the ${kind} runtime failed to start: ${e.message || 'worker error'}`))
    slot.port.onmessage = (e) => {
      const parsed = v.safeParse(FromWorkerSchema, e.data)
      if (!parsed.success) return
      const msg = parsed.output
      if (msg.type === 'warmed') resolve()
      else if (msg.type === 'failed' && !slot.listener) reject(new Error(msg.message))
      slot.listener?.(msg)
    }
  })
  slot.warmed.catch(() => {})
  return slot
}

/**
 * Runs subjects one at a time on a warm worker. Where the page is not cross-origin isolated
 * (there is no way to interrupt Pyodide without SharedArrayBuffer) a subject over its limit is
 * stopped by terminating its worker; the spare takes over and a new spare starts when idle.
 */
export class WorkerPool {
  private current: Slot | null = null
  private spare: Slot | null = null
  private queue: Promise<unknown> = Promise.resolve()
  private pending = 0

  constructor(
    private readonly kind: 'python' | 'js',
    private readonly vendor: string,
  ) {}

  /** Starts the runtime now (a Python task's workspace opening), resolving when it is warm. */
  warm(): Promise<void> {
    this.current ??= spawn(this.kind, this.vendor)
    return this.current.warmed
  }

  /** Queues one subject; `onProgress` hears (done, total) as cases finish. */
  run(req: Extract<ToWorker, { type: 'run' }>, onProgress: (done: number, total: number) => void): Promise<Outcome> {
    this.pending++
    const result = this.queue.then(() => this.runNow(req, onProgress))
    this.queue = result.catch(() => {})
    void result.finally(() => {
      if (--this.pending === 0) setTimeout(() => this.refillSpare(true), SPARE_IDLE_MS)
    })
    return result
  }

  /**
   * Starts the spare: when the pool has gone idle (so it never slows a run that is going well),
   * or at once when a subject is already slow enough that it may hit its limit.
   */
  private refillSpare(idleOnly: boolean): void {
    if (idleOnly && this.pending > 0) return
    if (!this.spare && this.current) this.spare = spawn(this.kind, this.vendor)
  }

  private async runNow(req: Extract<ToWorker, { type: 'run' }>, onProgress: (done: number, total: number) => void): Promise<Outcome> {
    let slot = this.current ?? (this.current = this.spare ?? spawn(this.kind, this.vendor))
    if (slot === this.spare) this.spare = null
    try {
      await slot.warmed
    } catch (e) {
      this.discard(slot)
      return failure(`the runtime did not start: ${(e as Error).message}`, [])
    }
    return new Promise<Outcome>((resolve) => {
      let names: string[] = []
      let running = -1
      const started = performance.now()
      const limit = req.timeout_ms + (this.kind === 'js' ? SELF_STOP_GRACE_MS : 0)
      const slow = setTimeout(() => this.refillSpare(false), Math.min(SLOW_SUBJECT_MS, req.timeout_ms / 2))
      const timer = setTimeout(() => {
        slot.listener = null
        this.discard(slot)
        const cases = names.map((name, i) => ({
          name,
          status: 'error' as const,
          message: i === running ? `stopped: exceeded the ${req.timeout_ms} ms time limit` : i < running ? 'finished before the limit, result lost' : 'not run: the time limit was reached',
        }))
        clearTimeout(slow)
        resolve({
          status: 'timeout',
          cases,
          duration_ms: performance.now() - started,
          error: `stopped after ${req.timeout_ms} ms (time limit)`,
          stdout: '',
          stderr: '',
        })
      }, limit)
      slot.listener = (msg) => {
        if (msg.type === 'cases') {
          names = msg.names
          onProgress(0, names.length)
        } else if (msg.type === 'case') {
          running = msg.index
          onProgress(msg.index, names.length)
        } else if (msg.type === 'done' || msg.type === 'failed') {
          clearTimeout(timer)
          clearTimeout(slow)
          slot.listener = null
          // A runtime that failed outside the code under test (a host stack overflow, say) is
          // in an unknown state: the next subject gets a fresh worker.
          if (msg.type === 'failed') this.discard(slot)
          resolve(msg.type === 'done' ? msg.outcome : failure(`the runtime failed: ${msg.message}`, []))
        }
      }
      slot.port.postMessage(req)
    })
  }

  private discard(slot: Slot): void {
    slot.worker.terminate()
    slot.port.close()
    if (this.current === slot) {
      this.current = this.spare
      this.spare = null
    }
  }
}

/** An outcome that says the runner failed, not the subject (never written to the `runs` map). */
function failure(message: string, cases: Outcome['cases']): Outcome {
  return { status: 'error', cases, duration_ms: 0, error: message.slice(0, 400), stdout: '', stderr: '', infra: true }
}
