/** The shared shell of a runtime worker: the init handshake, the private port, validated messages. */
import * as v from 'valibot'
import { ToWorkerSchema, type FromWorker, type ToWorker, type WorkerInit } from './workerProtocol'
import { MAX_OUTPUT_CHARS, truncateText, runStatusOf, type Outcome } from '../../../shared/runs'

/** What a language runtime provides to the worker shell. */
export interface Engine {
  /** Loads the runtime; called once, before the first run. */
  warm(vendor: string): Promise<void>
  /** Runs one subject; `onCases`/`onCase` stream progress. */
  run(req: Extract<ToWorker, { type: 'run' }>, progress: Progress): Promise<RawOutcome>
}

/** Progress callbacks a run reports through; indexes count from the suite's first case. */
export interface Progress {
  onCases(names: string[]): void
  /** Case `index` starts; `limitMs` is its own time limit (0: only the subject's). */
  onCase(index: number, limitMs: number): void
  onCaseDone(index: number, result: RawCase): void
}

/** One case's result as an engine gives it. */
export type RawCase = { name: string; status: 'pass' | 'fail' | 'error'; message?: string }

/** What an engine returns; the shell truncates the output and decides the status. */
export interface RawOutcome {
  cases: RawCase[]
  error: string | null
  stdout: string
  stderr: string
  timedOut?: boolean
}

/**
 * Starts the worker: waits for the frame's init (vendor URL + port), then answers on the port
 * only. The global `onmessage` is cleared after init so code under test cannot inject commands.
 */
export function startWorker(engine: Engine): void {
  let warming: Promise<void> | null = null
  const onInit = (event: MessageEvent) => {
    const data = event.data as Partial<WorkerInit> | null
    const port = event.ports[0]
    if (!data || data.type !== 'init' || typeof data.vendor !== 'string' || !port) return
    self.removeEventListener('message', onInit)
    const vendor = data.vendor
    const send = (msg: FromWorker) => port.postMessage(msg)
    const warm = () => {
      if (!warming) {
        const started = performance.now()
        warming = engine.warm(vendor).then(() => send({ type: 'warmed', ms: performance.now() - started }))
        warming.catch((e) => send({ type: 'failed', message: String(e?.message ?? e).slice(0, 400) }))
      }
      return warming
    }
    let queue = Promise.resolve()
    port.onmessage = (e: MessageEvent) => {
      const parsed = v.safeParse(ToWorkerSchema, e.data)
      if (!parsed.success) return
      const msg = parsed.output
      if (msg.type === 'warm') {
        void warm()
        return
      }
      queue = queue.then(async () => {
        await warm()
        const started = performance.now()
        const raw = await engine.run(msg, {
          onCases: (names) => send({ type: 'cases', names: names.slice(0, 200).map((n) => n.slice(0, 480)) }),
          onCase: (index, limitMs) => send({ type: 'case', index, limit_ms: limitMs }),
          onCaseDone: (index, result) => send({ type: 'case_done', index, result: toCase(result) }),
        })
        send({ type: 'done', outcome: toOutcome(raw, performance.now() - started) })
      }).catch((e) => send({ type: 'failed', message: String(e?.message ?? e).slice(0, 400) }))
    }
    port.start()
  }
  self.addEventListener('message', onInit)
  ;(self as unknown as Worker).postMessage({ type: 'hello' })
}

function toCase(c: RawCase): Outcome['cases'][number] {
  return {
    name: c.name.slice(0, 480),
    status: c.status,
    ...(c.message !== undefined ? { message: truncateText(c.message, 400) } : {}),
  }
}

function toOutcome(raw: RawOutcome, ms: number): Outcome {
  const cases = raw.cases.slice(0, 200).map(toCase)
  return {
    status: raw.timedOut ? 'timeout' : runStatusOf(cases, raw.error !== null),
    cases,
    duration_ms: ms,
    ...(raw.error ? { error: truncateText(raw.error, 400) } : {}),
    stdout: truncateText(raw.stdout, MAX_OUTPUT_CHARS),
    stderr: truncateText(raw.stderr, MAX_OUTPUT_CHARS),
  }
}
