/** The sandbox frame (opaque origin): takes validated run requests from the app page only. */
import * as v from 'valibot'
import { ToSandboxSchema, runtimeOf, type FromSandbox } from '../../shared/runs'
import { WorkerPool } from './workerPool'

const here = new URL(location.href)
/** The app's origin is the one this frame was served from; only that page may command it. */
const APP_ORIGIN = here.origin
const VENDOR = new URL('vendor/', new URL('./', here)).href
/**
 * Subjects run at once per runtime, two where there are two cores: "Run tests" sends the reference
 * and every candidate together. QuickJS workers are small (a few MB). Each Python subject gets an
 * interpreter restored from a snapshot (~200 ms of its worker's thread, which a single worker
 * cannot overlap with the subject it restores for); two Python workers take subjects in turn, each
 * restoring while the other runs. The second (about 100 MB, 2–3 s of CPU to start) starts once
 * the first is warm and idle, and two is also the most the pool keeps (workerPool.ts).
 */
const CORES = Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1))
const pools = { python: new WorkerPool('python', VENDOR, CORES), js: new WorkerPool('js', VENDOR, CORES) }

function send(msg: FromSandbox): void {
  // Addressed to the app's origin only: a page that framed us elsewhere hears nothing.
  window.parent.postMessage(msg, APP_ORIGIN)
}

window.addEventListener('message', (event) => {
  if (event.source !== window.parent || event.origin !== APP_ORIGIN) return
  const parsed = v.safeParse(ToSandboxSchema, event.data)
  if (!parsed.success) return
  const msg = parsed.output
  const pool = pools[runtimeOf(msg.language)]
  if (msg.type === 'warm') {
    const started = performance.now()
    pool.warm().then(
      () => send({ type: 'warmed', language: msg.language, ms: performance.now() - started }),
      () => {},
    )
    return
  }
  const { id, ...req } = msg
  void pool
    .run({ ...req, type: 'run' }, (done, total) => send({ type: 'progress', id, done, total }))
    .then((outcome) => send({ type: 'result', id, outcome }))
})

send({ type: 'ready' })
