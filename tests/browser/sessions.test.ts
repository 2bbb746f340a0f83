/** In Chromium: sign-out ends the session on the server, and CSP keeps sockets to our own origin. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../../shared/roomNames'
import { importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'

const test = suite('browser sessions')
const fx = browserFixture(test)

async function signIn(token: string): Promise<UserPage> {
  const user = await newUserPage(fx.browser, fx.server, token)
  fx.users.push(user)
  return user
}

async function sessionCookie(user: UserPage) {
  const cookie = (await user.context.cookies()).find((c) => c.name === 'cj_session')
  if (!cookie) throw new Error('no session cookie after sign-in')
  return cookie
}

test('signs out on the server: the old cookie opens nothing, a fresh sign-in link works', async () => {
  const s = fx.server
  const lead = await signIn(s.leadToken)
  const cookie = await sessionCookie(lead)
  assert.is.not(cookie.value, s.leadToken, 'the cookie holds a session id, not the token')
  assert.ok(cookie.httpOnly)
  await lead.page.getByRole('button', { name: 'Sign out' }).click()
  await lead.page.getByRole('heading', { name: 'Sign in to codejury' }).waitFor()
  const me = await fetch(`${s.url}/api/me`, { headers: { cookie: `cj_session=${cookie.value}` } })
  assert.is(me.status, 401, 'the old cookie is dead on the server, not only deleted in this browser')
  // A copy of the cookie taken before sign-out (another tab, a stolen value) opens nothing.
  const replay = await fx.browser.newContext({ baseURL: s.url })
  try {
    await replay.addCookies([{ ...cookie }])
    const page = await replay.newPage()
    await page.goto('/')
    await page.getByRole('heading', { name: 'Sign in to codejury' }).waitFor()
  } finally {
    await replay.close()
  }
  const again = await signIn(s.leadToken)
  await again.page.getByRole('button', { name: 'Sign out' }).waitFor()
})

test("opens a WebSocket to the app's own origin but not to another host (connect-src 'self')", async () => {
  const s = fx.server
  await importTasks(s, taskLine('t1'))
  const lead = await signIn(s.leadToken)
  await lead.page.getByRole('button', { name: 'Sign out' }).waitFor()
  const room = encodeURIComponent(roomName.meta('t1'))
  // The same server under another host name. Its Origin check would refuse the upgrade anyway,
  // so the proof is the browser's CSP violation report, which only connect-src 'self' causes.
  const other = `ws://localhost:${s.port}/ws/${room}`
  // Plain JavaScript text: tsx would wrap named functions in a `__name` helper the page lacks.
  const script = `(async () => {
    const violations = []
    const violated = new Promise((resolve) =>
      document.addEventListener('securitypolicyviolation', (e) => {
        violations.push(e.effectiveDirective + ' ' + e.blockedURI)
        resolve()
      }))
    const open = (url) => new Promise((resolve) => {
      let ws
      try { ws = new WebSocket(url) } catch (err) { resolve('threw ' + err.name); return }
      ws.onopen = () => { ws.close(); resolve('open') }
      ws.onerror = () => resolve('error')
    })
    const same = await open('ws://' + location.host + '/ws/${room}')
    const foreign = await open(${JSON.stringify(other)})
    if (foreign !== 'open') await Promise.race([violated, new Promise((r) => setTimeout(r, 3000))])
    return { same, foreign, violations }
  })()`
  const result = (await lead.page.evaluate(script)) as { same: string; foreign: string; violations: string[] }
  assert.is(result.same, 'open', 'a same-origin WebSocket is allowed under connect-src self')
  assert.is.not(result.foreign, 'open')
  assert.ok(result.violations.some((v) => v.startsWith('connect-src') && v.includes('localhost')), JSON.stringify(result))
})

test.run()
