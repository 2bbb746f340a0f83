/** The page's handle on the sandbox frame: one hidden opaque-origin iframe, validated replies. */
import * as v from 'valibot'
import { FromSandboxSchema, type Outcome, type RunLanguage } from '../../shared/runs'

/** Where the server serves the sandbox frame (server/routes/runner.ts). */
export const FRAME_PATH = '/runner/frame.html'

/** One subject to run. */
export interface SandboxRun {
  language: RunLanguage
  code: string
  tests: string
  timeoutMs: number
  /** The task's entry point, which a HumanEval-style `check(candidate)` is called with. */
  entryPoint?: string
  onProgress?: (done: number, total: number) => void
}

/** The sandbox: `warm` starts a runtime early, `run` runs one subject and resolves with its outcome. */
export interface Sandbox {
  warm(language: RunLanguage): void
  run(req: SandboxRun): Promise<Outcome>
}

/** How long the frame may take to say it is listening before runs are answered with an error. */
const FRAME_READY_TIMEOUT_MS = 30_000

function unavailable(message: string): Outcome {
  return { status: 'error', cases: [], duration_ms: 0, error: message, stdout: '', stderr: '', infra: true }
}

let sandbox: Sandbox | null = null
let nextId = 0

/**
 * The one sandbox of this page, made on first use. The frame is `sandbox="allow-scripts"` only:
 * an opaque origin with no cookies, no storage, and no way to script this page.
 */
export function getSandbox(): Sandbox {
  if (sandbox) return sandbox
  const createdAt = Date.now()
  const frame = document.createElement('iframe')
  frame.src = FRAME_PATH
  frame.setAttribute('sandbox', 'allow-scripts')
  frame.setAttribute('aria-hidden', 'true')
  frame.tabIndex = -1
  frame.title = 'Test runner sandbox'
  frame.className = 'runner-frame'
  const waiting = new Map<string, { resolve: (o: Outcome) => void; onProgress?: SandboxRun['onProgress'] }>()
  let resolveReady!: () => void
  let started = false
  const ready = new Promise<void>((r) => (resolveReady = r))
  // A frame that never says ready (not built, blocked): every waiting run is told, not left hanging.
  const noFrame = setTimeout(() => {
    if (started) return
    for (const w of waiting.values()) w.resolve(unavailable('the test runner did not start: reload the page; if it persists, the server may need `npm run build`'))
    waiting.clear()
  }, FRAME_READY_TIMEOUT_MS)
  window.addEventListener('message', (event) => {
    // An opaque origin reads as 'null'; the source check is what ties the message to our frame.
    if (event.source !== frame.contentWindow || event.origin !== 'null') return
    const parsed = v.safeParse(FromSandboxSchema, event.data)
    if (!parsed.success) return
    const msg = parsed.output
    if (msg.type === 'ready') {
      started = true
      clearTimeout(noFrame)
      resolveReady()
    }
    else if (msg.type === 'progress') waiting.get(msg.id)?.onProgress?.(msg.done, msg.total)
    else if (msg.type === 'result') {
      waiting.get(msg.id)?.resolve(msg.outcome)
      waiting.delete(msg.id)
    }
  })
  document.body.append(frame)
  const post = (msg: unknown) => void ready.then(() => frame.contentWindow?.postMessage(msg, '*'))
  sandbox = {
    warm(language) {
      post({ type: 'warm', language })
    },
    run(req) {
      const id = `r${++nextId}`
      return new Promise<Outcome>((resolve) => {
        if (!started && Date.now() - createdAt > FRAME_READY_TIMEOUT_MS) {
          resolve(unavailable('the test runner did not start: reload the page'))
          return
        }
        waiting.set(id, { resolve, onProgress: req.onProgress })
        post({
          type: 'run', id, language: req.language, code: req.code, tests: req.tests, timeout_ms: req.timeoutMs,
          ...(req.entryPoint && /^[A-Za-z_$][\w$]{0,127}$/.test(req.entryPoint) ? { entry_point: req.entryPoint } : {}),
        })
      })
    },
  }
  return sandbox
}
