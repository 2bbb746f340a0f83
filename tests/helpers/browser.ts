/** Browser-test helpers: the system Chromium, one context per simulated user, and error capture. */
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Test } from 'uvu'
import { startServer } from './server'
import type { TestServer, TestServerOptions } from './server'

/**
 * Flags for a headless Chromium in a container. No `--user-data-dir`: Playwright refuses it in
 * `args`, and `launch()` already starts from a fresh profile (STYLE.md, "Playwright refuses").
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launches the system Chromium (`CHROMIUM_PATH`, else `/usr/bin/chromium`), headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  })
}

/** One simulated user: their own context (cookies, IndexedDB, BroadcastChannel) and page. */
export interface UserPage {
  context: BrowserContext
  page: Page
  /** Console errors and uncaught page errors, in order; a clean run leaves it empty. */
  errors: string[]
  close: () => Promise<void>
}

/**
 * Signs `token` in on `page` as a person does: opens the link's page, presses its button ("Sign in
 * as …", or "Switch to …" when the page is signed in as someone else) and waits for the queue.
 */
export async function signInOnPage(page: Page, token: string): Promise<void> {
  const res = await page.goto(`/signin/${encodeURIComponent(token)}`)
  if (!res || !res.ok()) {
    throw new Error(`the sign-in page answered HTTP ${res?.status() ?? 'no response'}`)
  }
  const button = page.getByRole('button', { name: /^(Sign in as|Switch to) / })
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/signin/')),
    button.click(),
  ])
  if (post.status() !== 303) throw new Error(`sign-in failed with HTTP ${post.status()}`)
  await page.waitForURL((url) => url.pathname === '/')
}

/**
 * Signs `token` in through its sign-in page in a NEW browser context, so two users never share
 * cookies, storage or y-websocket's BroadcastChannel (STYLE.md, "Two providers sync even though
 * the server is broken").
 */
export async function newUserPage(
  browser: Browser,
  server: { url: string },
  token: string,
): Promise<UserPage> {
  const context = await browser.newContext({ baseURL: server.url })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`)
  })
  // With the first line of the stack, so a failure in CI says where the error came from.
  page.on('pageerror', (err) => errors.push(`page: ${err.message} (${err.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim() ?? 'no stack'})`))
  try {
    await signInOnPage(page, token)
  } catch (err) {
    await context.close()
    throw err
  }
  return { context, page, errors, close: () => context.close() }
}

/** The text of root `root` of the open doc `room`, read through `window.__codejury`. */
export function readText(page: Page, room: string, root: string): Promise<string | null> {
  return page.evaluate(
    ([room, root]) => window.__codejury?.docs.get(room)?.getText(root).toString() ?? null,
    [room, root] as const,
  )
}

/**
 * Waits until the doc `room` in `page` has root text `root` containing every string of
 * `parts`; fails with what it was waiting for and the text it last saw.
 */
export async function waitForText(
  page: Page,
  room: string,
  root: string,
  parts: string[],
  timeoutMs = 10_000,
): Promise<void> {
  try {
    await page.waitForFunction(
      ([room, root, parts]) => {
        const text = window.__codejury?.docs.get(room)?.getText(root).toString()
        return text !== undefined && parts.every((p) => text.includes(p))
      },
      [room, root, parts] as const,
      { timeout: timeoutMs },
    )
  } catch (err) {
    const last = await readText(page, room, root).catch(() => null)
    throw new Error(
      `timed out waiting for ${room}/${root} to contain ${JSON.stringify(parts)}; ` +
        `last text: ${JSON.stringify(last)} (${(err as Error).message.split('\n')[0]})`,
    )
  }
}

/** A real server and the system Chromium, fresh for each test of a suite, torn down after it. */
export interface BrowserFixture {
  readonly server: TestServer
  readonly browser: Browser
  /** Pages opened in the test; each is closed after it. */
  readonly users: UserPage[]
}

/**
 * Registers before/after hooks on `test` that start a server (port 0, temporary DATA_DIR) and a
 * browser for each test, and close every page, the browser and the server afterwards — even
 * after a failed assertion, so a failure never hangs the suite.
 */
export function browserFixture(test: Test, options: TestServerOptions = {}): BrowserFixture {
  let server: TestServer | undefined
  let browser: Browser | undefined
  const users: UserPage[] = []
  test.before.each(async () => {
    server = await startServer(options)
    browser = await launchBrowser()
  })
  test.after.each(async () => {
    await Promise.allSettled(users.splice(0).map((u) => u.close()))
    await browser?.close()
    browser = undefined
    await server?.stop()
    server = undefined
  })
  return {
    get server() {
      if (!server) throw new Error('the fixture server is used outside a test')
      return server
    },
    get browser() {
      if (!browser) throw new Error('the fixture browser is used outside a test')
      return browser
    },
    users,
  }
}
