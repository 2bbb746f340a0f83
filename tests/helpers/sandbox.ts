/** Browser-test helper: drives the real sandbox frame from a signed-in app page, as the app does. */
import type { Page } from 'playwright-core'
import type { Outcome, RunLanguage } from '../../shared/runs'

/** Adds the sandbox iframe to `page` (the app's page, signed in) and waits for its `ready`. */
export async function openSandbox(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const frame = document.createElement('iframe')
        frame.setAttribute('sandbox', 'allow-scripts')
        frame.src = '/runner/frame.html'
        const w = window as unknown as Record<string, unknown>
        w.__sandboxFrame = frame
        w.__sandboxResults = new Map()
        window.addEventListener('message', (e) => {
          if (e.source !== frame.contentWindow) return
          const data = e.data as { type: string; id?: string; outcome?: unknown }
          if (data.type === 'ready') resolve()
          if (data.type === 'result') (w.__sandboxResults as Map<string, unknown>).set(data.id!, data.outcome)
        })
        document.body.append(frame)
      }),
  )
}

let next = 0

/** Runs one subject in the sandbox of `page` and returns its outcome. */
export async function runInSandbox(
  page: Page,
  language: RunLanguage,
  code: string,
  tests: string,
  timeoutMs = 5_000,
): Promise<Outcome> {
  const id = `t${++next}`
  await page.evaluate(
    ([id, language, code, tests, timeoutMs]) => {
      const frame = (window as unknown as { __sandboxFrame: HTMLIFrameElement }).__sandboxFrame
      frame.contentWindow!.postMessage({ type: 'run', id, language, code, tests, timeout_ms: timeoutMs }, '*')
    },
    [id, language, code, tests, timeoutMs] as const,
  )
  const handle = await page.waitForFunction(
    (id) => (window as unknown as { __sandboxResults: Map<string, unknown> }).__sandboxResults.get(id) ?? null,
    id,
    { timeout: 60_000, polling: 10 },
  )
  return (await handle.jsonValue()) as Outcome
}

/**
 * Sends every subject to the sandbox at once, as "Run tests" does, and waits for all outcomes
 * inside the page: `ms` is the page's own wall time from the first request to the last result
 * (no DevTools round trips in it), `each` each subject's time to its result.
 */
export async function runAllInSandbox(
  page: Page,
  subjects: { language: RunLanguage; code: string; tests: string }[],
  timeoutMs = 5_000,
): Promise<{ ms: number; each: number[]; outcomes: Outcome[] }> {
  const base = `b${++next}`
  return page.evaluate(
    ([base, subjects, timeoutMs]) =>
      new Promise<{ ms: number; each: number[]; outcomes: Outcome[] }>((resolve) => {
        const frame = (window as unknown as { __sandboxFrame: HTMLIFrameElement }).__sandboxFrame
        const outcomes: Outcome[] = []
        const each: number[] = []
        let left = subjects.length
        const started = performance.now()
        // An anonymous listener, left in place once done: tsx would wrap a named one in a
        // `__name` helper that the page does not have.
        window.addEventListener('message', (e: MessageEvent) => {
          const data = e.data as { type: string; id?: string; outcome?: Outcome }
          if (e.source !== frame.contentWindow || data.type !== 'result' || !data.id?.startsWith(`${base}-`)) return
          const i = Number(data.id.slice(base.length + 1))
          outcomes[i] = data.outcome!
          each[i] = performance.now() - started
          if (--left === 0) resolve({ ms: performance.now() - started, each, outcomes })
        })
        subjects.forEach((s, i) =>
          frame.contentWindow!.postMessage({ type: 'run', id: `${base}-${i}`, language: s.language, code: s.code, tests: s.tests, timeout_ms: timeoutMs }, '*'),
        )
      }),
    [base, subjects, timeoutMs] as const,
  )
}
