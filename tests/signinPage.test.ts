/** Bad sign-in links: an HTML page that explains and offers the form; pasted links work (issue 13). */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { tokenFromInput } from '../shared/signinLink'
import { createUser, startServer } from './helpers/server'
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
  // Positive control: a good link still signs in and redirects to the queue.
  const ann = await createUser(server, 'Ann', 'annotator')
  const good = await fetch(`${server.url}/signin/${ann.token}`, { redirect: 'manual' })
  assert.is(good.status, 302)
  assert.match(good.headers.get('set-cookie') ?? '', /HttpOnly/)
})

test('signs in from the form with a whole pasted link and refuses an empty one', async () => {
  const ann = await createUser(server, 'Ann', 'annotator')
  const pasted = `https://elsewhere.example/signin/${ann.token}`
  const res = await fetch(`${server.url}/signin?link=${encodeURIComponent(pasted)}`, { redirect: 'manual' })
  assert.is(res.status, 303)
  const next = res.headers.get('location')!
  assert.is(next, `/signin/${encodeURIComponent(ann.token)}`)
  const signed = await fetch(`${server.url}${next}`, { redirect: 'manual' })
  assert.is(signed.status, 302)
  const empty = await fetch(`${server.url}/signin?link=${encodeURIComponent('  ')}`, { redirect: 'manual' })
  assert.is(empty.status, 400)
  assert.match(await empty.text(), /Paste your sign-in link/)
})

test.run()
