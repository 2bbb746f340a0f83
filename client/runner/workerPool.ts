/** One runtime's workers inside the sandbox frame: up to `size` running at once, a warm spare, the limits. */
import * as v from 'valibot'
import { FromWorkerSchema, type FromWorker, type ToWorker } from './workerProtocol'
import { caseLimitMessage, runStatusOf, type Outcome } from '../../shared/runs'

/** Extra time a QuickJS subject gets past its limit before the worker is killed (QuickJS stops itself first). */
const SELF_STOP_GRACE_MS = 1_000
/**
 * Extra time a limited case gets past its own limit before its worker is killed and the subject
 * resumes on a fresh one. The runtimes stop a case themselves at its limit, but only when they
 * next poll: QuickJS every 10,000 interpreter ticks (a native spread or indexOf of thousands of
 * elements is one tick), Pyodide every 50 eval-breaker ticks (a long C call is none).
 */
const CASE_GRACE_MS = { python: 100, js: 10 } as const
/** A subject running this long may be stopped at its limit: its replacement starts warming now. */
const SLOW_SUBJECT_MS = 1_000
/** How long the pool must be idle before it starts a spare in the background. */
const SPARE_IDLE_MS = 2_000

type RunRequest = Extract<ToWorker, { type: 'run' }>
type Case = Outcome['cases'][number]

interface Slot {
  worker: Worker
  port: MessagePort
  warmed: Promise<void>
  /** Set once `warmed` resolved: a pool hands out warm workers before warming ones. */
  ready: boolean
  listener: ((msg: FromWorker) => void) | null
}

/** A worker can only start from a `data:` module URL in an opaque frame (docs/sandbox.md#the-browser-sandbox). */
function spawn(kind: 'python' | 'js', vendor: string): Slot {
  const script = new URL(`assets/${kind === 'python' ? 'pyWorker' : 'jsWorker'}.js`, new URL('./', location.href)).href
  const worker = new Worker(`data:text/javascript;charset=utf-8,${encodeURIComponent(`import ${JSON.stringify(script)}`)}`, {
    type: 'module',
  })
  const channel = new MessageChannel()
  const slot: Slot = { worker, port: channel.port1, warmed: Promise.resolve(), ready: false, listener: null }
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
  slot.warmed.then(() => (slot.ready = true), () => {})
  return slot
}

/** How one attempt on one worker ended. */
type Attempt =
  | { end: 'done'; outcome: Outcome; cases: Case[] }
  | { end: 'case-limit'; index: number; limitMs: number; cases: Case[] }
  | { end: 'timeout'; running: number; cases: Case[] }
  | { end: 'failed'; message: string }

/**
 * Runs up to `size` subjects at once, each on its own warm worker, plus one warm spare. Where the
 * page is not cross-origin isolated (there is no way to interrupt a runtime from outside without
 * SharedArrayBuffer) a subject over its limit is stopped by terminating its worker; so is a case
 * that overruns its own limit, after which the subject resumes from the next case on a fresh
 * worker. A spare replaces what was terminated, and a new spare starts when the pool is idle.
 */
export class WorkerPool {
  private idle: Slot[] = []
  private busy = new Set<Slot>()
  private waiting: (() => void)[] = []
  private pending = 0

  constructor(
    private readonly kind: 'python' | 'js',
    private readonly vendor: string,
    private readonly size: number,
  ) {}

  /**
   * Workers kept alive from the start. QuickJS is small (a few MB), so every worker a "Run tests"
   * uses plus a spare start at once and a stopped one is replaced at once: a second press right
   * after a case was stopped finds warm workers. Pyodide's second copy waits for the spare rule.
   */
  private get keep(): number {
    return this.kind === 'js' ? this.size + 1 : 1
  }

  /**
   * Workers alive at most: `size` running plus a spare. A Python worker already restores its next
   * interpreter while one runs, so Python stops at two workers, one of them spare or both running
   * (about 100 MB each): where two run, each restores its spare while the other's subject runs.
   */
  private get cap(): number {
    return this.kind === 'js' ? this.size + 1 : Math.max(2, this.size)
  }

  /**
   * Starts the runtime now (a workspace opening), resolving when one worker is warm. Pyodide's
   * second worker starts only once the first is warm and no subject runs, so the first run never
   * waits on two starts sharing the cores.
   */
  warm(): Promise<void> {
    while (this.idle.length + this.busy.size < this.keep) this.idle.push(this.spawn())
    const first = (this.idle[0] ?? [...this.busy][0]).warmed
    if (this.kind === 'python') first.then(() => this.refillSpare(true), () => {})
    return first
  }

  /** Runs one subject as soon as a worker is free; `onProgress` hears (done, total) as cases finish. */
  async run(req: RunRequest, onProgress: (done: number, total: number) => void): Promise<Outcome> {
    this.pending++
    try {
      return await this.runSubject(req, onProgress)
    } finally {
      if (--this.pending === 0) setTimeout(() => this.refillSpare(true), SPARE_IDLE_MS)
    }
  }

  private async runSubject(req: RunRequest, onProgress: (done: number, total: number) => void): Promise<Outcome> {
    // The clock starts when a warm worker takes the subject (not while it waits its turn).
    let started = 0
    let deadline = 0
    const elapsed = () => performance.now() - started
    const cases: Case[] = []
    let names: string[] = []
    let from = 0
    const listen = (names_: string[]) => (names = names_)
    for (;;) {
      const waitFrom = performance.now()
      const slot = await this.acquire()
      try {
        await slot.warmed
      } catch (e) {
        this.discard(slot)
        return failure(`the runtime did not start: ${(e as Error).message}`, [])
      }
      // The limit is on the subject's own running time: a resume that waits for a fresh
      // runtime to start (Pyodide takes seconds) does not spend it.
      if (from === 0) {
        started = performance.now()
        deadline = started + req.timeout_ms
      } else {
        started += performance.now() - waitFrom
        deadline += performance.now() - waitFrom
      }
      const timeoutMs = Math.max(1, Math.round(deadline - performance.now()))
      const attempt = await this.attempt(slot, { ...req, timeout_ms: timeoutMs, ...(from ? { from_case: from } : {}) }, listen, onProgress)
      if (attempt.end === 'done') {
        this.release(slot)
        const all = [...cases, ...attempt.cases]
        const o = attempt.outcome
        const status = o.status === 'timeout' || o.error ? o.status : runStatusOf(all, false)
        return { ...o, status, cases: all, duration_ms: elapsed() }
      }
      this.discard(slot)
      if (attempt.end === 'failed') return failure(`the runtime failed: ${attempt.message}`, [])
      cases.push(...attempt.cases)
      if (attempt.end === 'timeout') {
        for (let i = cases.length; i < names.length; i++) {
          const message = i === attempt.running ? `stopped: exceeded the ${req.timeout_ms} ms time limit` : 'not run: the time limit was reached'
          cases.push({ name: names[i], status: 'error', message })
        }
        return {
          status: 'timeout',
          cases,
          duration_ms: elapsed(),
          error: `stopped after ${req.timeout_ms} ms (time limit)`,
          stdout: '',
          stderr: '',
        }
      }
      // A case overran its own limit and its worker was stopped: it failed; resume after it.
      cases.push({ name: names[attempt.index], status: 'fail', message: caseLimitMessage(attempt.limitMs) })
      from = attempt.index + 1
      if (from >= names.length) {
        return { status: runStatusOf(cases, false), cases, duration_ms: elapsed(), stdout: '', stderr: '' }
      }
    }
  }

  /** One worker's go at a subject, from its `from_case`; it ends with the outcome or a reason to stop. */
  private attempt(
    slot: Slot,
    req: RunRequest,
    onNames: (names: string[]) => void,
    onProgress: (done: number, total: number) => void,
  ): Promise<Attempt> {
    return new Promise<Attempt>((resolve) => {
      let names: string[] = []
      let running = -1
      let limitMs = 0
      const cases: Case[] = []
      let caseTimer: ReturnType<typeof setTimeout> | undefined
      const slow = setTimeout(() => this.refillSpare(false), Math.min(SLOW_SUBJECT_MS, req.timeout_ms / 2))
      const finish = (a: Attempt) => {
        clearTimeout(timer)
        clearTimeout(slow)
        clearTimeout(caseTimer)
        slot.listener = null
        resolve(a)
      }
      const timer = setTimeout(
        () => finish({ end: 'timeout', running, cases }),
        req.timeout_ms + (this.kind === 'js' ? SELF_STOP_GRACE_MS : 0),
      )
      slot.listener = (msg) => {
        if (msg.type === 'cases') {
          names = msg.names
          onNames(names)
          onProgress(req.from_case ?? 0, names.length)
        } else if (msg.type === 'case') {
          running = msg.index
          limitMs = msg.limit_ms
          clearTimeout(caseTimer)
          if (limitMs > 0) {
            const index = msg.index
            caseTimer = setTimeout(() => finish({ end: 'case-limit', index, limitMs, cases }), limitMs + CASE_GRACE_MS[this.kind])
          }
          onProgress(msg.index, names.length)
        } else if (msg.type === 'case_done') {
          clearTimeout(caseTimer)
          cases.push(msg.result)
        } else if (msg.type === 'done') {
          finish({ end: 'done', outcome: msg.outcome, cases: msg.outcome.cases })
        } else if (msg.type === 'failed') {
          // A runtime that failed outside the code under test (a host stack overflow, say) is in
          // an unknown state: the next subject gets a fresh worker.
          finish({ end: 'failed', message: msg.message })
        }
      }
      slot.port.postMessage(req)
    })
  }

  /**
   * A worker for one subject, waiting while `size` subjects run. A warm one if any is idle; while
   * only starting ones are idle, it waits for whichever comes first, a running subject's end or a
   * worker's start (a subject takes milliseconds, a QuickJS start a few hundred); with nothing
   * warm anywhere, it takes a starting one.
   */
  private async acquire(): Promise<Slot> {
    for (;;) {
      if (this.busy.size < this.size) {
        const warm = this.idle.findIndex((s) => s.ready)
        if (warm >= 0) return this.take(this.idle.splice(warm, 1)[0])
        if (![...this.busy].some((s) => s.ready)) return this.take(this.idle.shift() ?? this.spawn())
      }
      await new Promise<void>((r) => this.waiting.push(r))
    }
  }

  private take(slot: Slot): Slot {
    this.busy.add(slot)
    return slot
  }

  /** Wakes every waiting `acquire`, which looks again: a worker was freed, stopped or warmed. */
  private changed(): void {
    const waiting = this.waiting
    this.waiting = []
    for (const wake of waiting) wake()
  }

  private spawn(): Slot {
    const slot = spawn(this.kind, this.vendor)
    slot.warmed.then(() => this.changed(), () => {})
    return slot
  }

  private release(slot: Slot): void {
    this.busy.delete(slot)
    // Most recently used first: its runtime's caches are the warmest.
    this.idle.unshift(slot)
    this.changed()
  }

  /** Terminates a worker that may still be running code under test. */
  private discard(slot: Slot): void {
    slot.listener = null
    slot.worker.terminate()
    slot.port.close()
    this.busy.delete(slot)
    this.idle = this.idle.filter((s) => s !== slot)
    // A QuickJS worker starts in a few hundred ms of its own thread: replace it at once, so the
    // next resume or subject finds one warm. Pyodide's seconds of start wait for the spare rule.
    if (this.kind === 'js' && this.busy.size + this.idle.length < this.keep) this.idle.push(this.spawn())
    this.changed()
  }

  /**
   * Keeps one worker beyond those running: started when the pool has gone idle (so it never slows
   * a run that is going well), or at once when a subject is slow enough that it may be stopped.
   */
  private refillSpare(idleOnly: boolean): void {
    if (idleOnly && this.pending > 0) return
    const alive = this.busy.size + this.idle.length
    // At most `cap` alive; a slow subject needs a spare only if none is idle.
    if (alive === 0 || alive >= this.cap || (!idleOnly && this.idle.length > 0)) return
    this.idle.push(this.spawn())
  }
}

/** An outcome that says the runner failed, not the subject (never written to the `runs` map). */
function failure(message: string, cases: Outcome['cases']): Outcome {
  return { status: 'error', cases, duration_ms: 0, error: message.slice(0, 400), stdout: '', stderr: '', infra: true }
}
