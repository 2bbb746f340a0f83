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
