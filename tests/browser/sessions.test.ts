/** In Chromium: sign-in needs a click on our own page, sign-out ends the session, CSP keeps sockets home. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../../shared/roomNames'
import { createThread } from '../../shared/comments'
import { createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { connectPeer } from '../helpers/peer'
import type { Peer } from '../helpers/peer'
import { openSigninPage } from '../helpers/signin'
import { waitFor } from '../helpers/waitFor'

const test = suite('browser sessions')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

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
    // waits for the violation report; the timer only bounds the wait when none comes
    if (foreign !== 'open') await Promise.race([violated, new Promise((r) => setTimeout(r, 3000))])
    return { same, foreign, violations }
  })()`
  const result = (await lead.page.evaluate(script)) as { same: string; foreign: string; violations: string[] }
  assert.is(result.same, 'open', 'a same-origin WebSocket is allowed under connect-src self')
  assert.is.not(result.foreign, 'open')
  assert.ok(result.violations.some((v) => v.startsWith('connect-src') && v.includes('localhost')), JSON.stringify(result))
})

/** Who the browser context of `user` is signed in as, asked with its own cookies. */
async function whoAmI(user: UserPage): Promise<string | null> {
  const res = await user.context.request.get('/api/me')
  return res.ok() ? ((await res.json()) as { name: string }).name : null
}

test('signs nobody in from an image of a sign-in link in a comment or from another site, while a click on the sign-in page does', async () => {
  const s = fx.server
  await importTasks(s, taskLine('t1'))
  const mallory = await createUser(s, 'Mallory', 'reviewer')
  // Control: a click on the sign-in page signs in (newUserPage opens the link and presses the button).
  const lead = await signIn(s.leadToken)
  assert.is(await whoAmI(lead), 'Lead')

  // A reviewer's comment with images of her own sign-in link, spelled three ways, and a plain link.
  const peer = connectPeer(s.wsUrl, roomName.comments('t1'), mallory.token)
  peers.push(peer)
  await waitFor(() => peer.provider.synced, 'the comments room to sync')
  const body = [
    `Looks fine ![chart](/signin/${mallory.token})`,
    `![abs](${s.url}/signin/${mallory.token}) ![odd](/%73ignin/${mallory.token}) ![ok](data:,)`,
    `[my link](/signin/${mallory.token})`,
  ].join('\n\n')
  createThread(peer.doc, { anchor: { kind: 'task' }, quote: '', author: mallory.id, body }, null)
  await lead.page.goto('/tasks/t1')
  const comment = lead.page.locator('.comment-body').filter({ hasText: 'Looks fine' })
  await comment.waitFor({ timeout: 20_000 })
  assert.is(await comment.locator('img').count(), 1, 'only the harmless image is left')
  assert.is(await comment.locator('img').getAttribute('src'), 'data:,')
  assert.is(await comment.getByRole('link', { name: 'my link' }).getAttribute('href'), `/signin/${mallory.token}`, 'links stay links')
  assert.is(await whoAmI(lead), 'Lead')

  // Whatever loads the link anyway (an image or a frame on another site, then a form that posts
  // to it on load with a nonce the attacker fetched for herself) signs nobody in.
  const attackerForm = await openSigninPage(s.url, mallory.token)
  const target = `${s.url}/signin/${mallory.token}`
  const evil = `http://localhost:${s.port}/evil.html`
  await lead.context.route(evil, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><img src="${target}"><iframe src="${target}"></iframe>
<form method="post" action="${target}"><input type="hidden" name="nonce" value="${attackerForm.nonce}"></form>
<script>window.onload = () => document.forms[0].submit()</script>`,
    }),
  )
  const [post] = await Promise.all([
    lead.page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === target),
    lead.page.goto(evil),
  ])
  assert.is(post.status(), 403, 'the cross-site POST reached the server and was refused')
  await lead.page.getByRole('heading', { name: 'Nobody was signed in' }).waitFor()
  assert.is(await whoAmI(lead), 'Lead', 'still the lead after the image, the frame and the cross-site form')
})

test('asks a signed-in person before switching accounts, and keeps them when they decline', async () => {
  const s = fx.server
  const eve = await createUser(s, 'Eve', 'annotator')
  const lead = await signIn(s.leadToken)
  await lead.page.goto(`/signin/${eve.token}`)
  await lead.page.getByRole('heading', { name: 'You are signed in as Lead — switch to Eve?' }).waitFor()
  assert.is(await whoAmI(lead), 'Lead', 'opening the link switched nobody')
  await lead.page.getByRole('link', { name: 'Stay signed in as Lead' }).click()
  await lead.page.getByRole('button', { name: 'Sign out' }).waitFor()
  assert.is(await whoAmI(lead), 'Lead')
  await lead.page.goto(`/signin/${eve.token}`)
  await lead.page.getByRole('button', { name: 'Switch to Eve' }).click()
  await lead.page.waitForURL((url) => url.pathname === '/')
  assert.is(await whoAmI(lead), 'Eve')
})

test.run()
