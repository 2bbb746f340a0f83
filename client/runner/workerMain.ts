/** The shared shell of a runtime worker: the init handshake, the private port, validated messages. */
import * as v from 'valibot'
import { ToWorkerSchema, type FromWorker, type WorkerInit } from './workerProtocol'
import { toCase, toOutcome } from '../../shared/harness/outcome'
import type { Progress, RawOutcome, RunRequest } from '../../shared/harness/types'

/** What a language runtime provides to the worker shell. */
export interface Engine {
  /** Loads the runtime; called once, before the first run. */
  warm(vendor: string): Promise<void>
  /** Runs one subject; `onCases`/`onCase` stream progress. */
  run(req: RunRequest, progress: Progress): Promise<RawOutcome>
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
