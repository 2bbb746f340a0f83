/** Sign-in pages: a link shows whose account it opens and signs in only from its own button; bad links explain. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { tokenFromInput } from '../shared/signinLink'
import { api, createUser, startServer } from './helpers/server'
import { confirmSignin, openSigninPage, signInWithLink } from './helpers/signin'
import type { TestServer } from './helpers/server'

const test = suite('sign-in page')
let server: TestServer

test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  await server.stop()
})

test('reads the token out of a whole pasted link or a bare token', () => {
  assert.is(tokenFromInput('  abc123  '), 'abc123')
  assert.is(tokenFromInput('https://jury.example/signin/abc123'), 'abc123')
  assert.is(tokenFromInput('http://localhost:8787/signin/abc%2B1/?x=1#y'), 'abc+1')
  assert.is(tokenFromInput(''), null)
  assert.is(tokenFromInput('https://jury.example/signin/'), null)
  assert.is(tokenFromInput('two words'), null)
})

test('answers a bad sign-in link with an HTML page holding the sign-in form, never JSON', async () => {
  const res = await fetch(`${server.url}/signin/not-a-token`, { redirect: 'manual' })
  assert.is(res.status, 401)
  assert.match(res.headers.get('content-type') ?? '', /text\/html/)
  const html = await res.text()
  assert.match(html, /This sign-in link does not work/)
  assert.match(html, /<form method="get" action="\/signin">/)
  assert.match(html, /name="link"/)
  assert.not.match(html, /not-a-token/, 'the failed token is never echoed')
  assert.is(res.headers.get('set-cookie'), null)
  // Positive control: a good link shows the page that signs in.
  const ann = await createUser(server, 'Ann', 'annotator')
  const good = await openSigninPage(server.url, ann.token)
  assert.is(good.status, 200)
  assert.ok(good.nonce)
})

test('signs in from the form with a whole pasted link and refuses an empty one', async () => {
  const ann = await createUser(server, 'Ann', 'annotator')
  const pasted = `https://elsewhere.example/signin/${ann.token}`
  const res = await fetch(`${server.url}/signin?link=${encodeURIComponent(pasted)}`, { redirect: 'manual' })
  assert.is(res.status, 303)
  const next = res.headers.get('location')!
  assert.is(next, `/signin/${encodeURIComponent(ann.token)}`)
  const page = await fetch(`${server.url}${next}`, { redirect: 'manual' })
  assert.is(page.status, 200)
  assert.match(await page.text(), /Sign in as Ann\?/)
  const empty = await fetch(`${server.url}/signin?link=${encodeURIComponent('  ')}`, { redirect: 'manual' })
  assert.is(empty.status, 400)
  assert.match(await empty.text(), /Paste your sign-in link/)
})

async function me(cookie: string | null): Promise<string | null> {
  if (!cookie) return null
  const res = await fetch(`${server.url}/api/me`, { headers: { cookie } })
  return res.status === 200 ? (await res.json()).name : null
}

test('opening a sign-in link signs nobody in: it names the account, cannot be framed, and only its button signs in', async () => {
  const eve = await createUser(server, '<b>Eve</b> & co', 'reviewer')
  const res = await fetch(`${server.url}/signin/${eve.token}`, { redirect: 'manual' })
  assert.is(res.status, 200)
  assert.equal(res.headers.getSetCookie().filter((c) => c.startsWith('cj_session=')), [], 'no session from a GET')
  assert.is(res.headers.get('x-frame-options'), 'DENY')
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/)
  assert.is(res.headers.get('cache-control'), 'no-store')
  const nonceCookie = res.headers.getSetCookie().find((c) => c.startsWith('cj_signin=')) ?? ''
  assert.match(nonceCookie, /HttpOnly/)
  assert.match(nonceCookie, /SameSite=Strict/)
  const html = await res.text()
  assert.match(html, /Sign in as &#60;b&#62;Eve&#60;\/b&#62; &#38; co\?/, 'the name, escaped')
  assert.match(html, /\(reviewer\)/)
  assert.not.match(html, /<b>Eve/)
  assert.match(html, /<form method="post">/)
  assert.not.ok(html.includes(eve.token), 'the token is not written into the page')
  // Pressing the button (the same POST a browser makes from this page) signs in.
  assert.is(await me(await signInWithLink(server.url, eve.token)), '<b>Eve</b> & co')
})

test('refuses a sign-in POST from another site, a sandboxed frame or without the page\'s nonce, and takes one from our page', async () => {
  const mallory = await createUser(server, 'Mallory', 'annotator')
  const form = await openSigninPage(server.url, mallory.token)
  const attempts = {
    'another site': await confirmSignin(server.url, mallory.token, form, { origin: 'https://evil.example' }),
    'a same-site neighbour': await confirmSignin(server.url, mallory.token, form, { origin: null, site: 'same-site' }),
    'a cross-site form without Origin': await confirmSignin(server.url, mallory.token, form, { origin: null, site: 'cross-site' }),
    'a sandboxed frame': await confirmSignin(server.url, mallory.token, form, { origin: 'null' }),
    'no nonce cookie': await confirmSignin(server.url, mallory.token, { ...form, nonceCookie: null }),
    'another nonce': await confirmSignin(server.url, mallory.token, { ...form, nonce: 'x'.repeat(43) }),
    'no nonce': await confirmSignin(server.url, mallory.token, { ...form, nonce: null }),
  }
  for (const [how, { res, session }] of Object.entries(attempts)) {
    assert.is(res.status, 403, how)
    assert.is(session, null, `${how}: no session cookie`)
    assert.match(await res.text(), /Nobody was signed in/, how)
  }
  assert.equal((await api(server, server.leadToken, 'GET', '/api/sessions')).body.sessions, [], 'no session was started')
  // Control: the same form, posted from our own page, signs in.
  const ours = await confirmSignin(server.url, mallory.token, form, { site: 'same-origin' })
  assert.is(ours.res.status, 303)
  assert.is(ours.res.headers.get('location'), '/')
  assert.is(await me(ours.session), 'Mallory')
})

test('asks a signed-in person before switching accounts, and switches only when they press the button', async () => {
  const ann = await createUser(server, 'Ann', 'annotator')
  const eve = await createUser(server, 'Eve', 'annotator')
  const annCookie = await signInWithLink(server.url, ann.token)
  const ask = await openSigninPage(server.url, eve.token, annCookie)
  assert.is(ask.status, 200)
  assert.match(ask.html, /You are signed in as Ann — switch to Eve\?/)
  assert.match(ask.html, />Switch to Eve</)
  assert.match(ask.html, /Stay signed in as Ann/)
  assert.is(await me(annCookie), 'Ann', 'opening the link switched nobody')
  const { res, session } = await confirmSignin(server.url, eve.token, ask, { cookie: annCookie })
  assert.is(res.status, 303)
  assert.is(await me(session), 'Eve')
  assert.is(await me(annCookie), null, "Ann's session in this browser ended with the switch")
})

test.run()
