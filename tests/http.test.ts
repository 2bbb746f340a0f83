import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { api, assign, createUser, importTasks, taskLine } from './helpers/server'
import { connectPeer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { serverPerTest } from './helpers/perTest'
import { confirmSignin, openSigninPage, signInWithLink } from './helpers/signin'

const test = suite('http')
const fx = serverPerTest(test)

function signIn(token: string): Promise<string> {
  return signInWithLink(fx.server.url, token)
}

test('answers health without a token and refuses /api/me without one', async () => {
  assert.equal((await api(fx.server, null, 'GET', '/api/health')).body, { ok: true })
  const me = await api(fx.server, null, 'GET', '/api/me')
  assert.is(me.status, 401)
  assert.match(me.body.error, /sign in/)
})

test('creates the lead on an empty data directory with a 0600 token file', async () => {
  const file = path.join(fx.server.dataDir, 'lead-token')
  assert.is(fs.statSync(file).mode & 0o777, 0o600)
  const me = await api(fx.server, fs.readFileSync(file, 'utf8').trim(), 'GET', '/api/me')
  assert.is(me.body.role, 'lead')
})

test('stores tokens only as hashes', async () => {
  const u = await createUser(fx.server, 'Ann', 'annotator')
  const users = fs.readFileSync(path.join(fx.server.dataDir, 'users.json'), 'utf8')
  assert.not.ok(users.includes(u.token))
  assert.not.ok(users.includes(fx.server.leadToken))
})

test('lets only the lead create and list users, and validates the input', async () => {
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  assert.is((await api(fx.server, ann.token, 'POST', '/api/users', { name: 'X', role: 'lead' })).status, 403)
  assert.is((await api(fx.server, ann.token, 'GET', '/api/users')).status, 403)
  const bad = await api(fx.server, fx.server.leadToken, 'POST', '/api/users', { name: '', role: 'boss' })
  assert.is(bad.status, 400)
  assert.match(bad.body.error, /name/)
  assert.match(bad.body.error, /role/)
  const list = await api(fx.server, fx.server.leadToken, 'GET', '/api/users')
  assert.equal(list.body.users.map((u: any) => u.name).sort(), ['Ann', 'Lead'])
  assert.not.ok('tokenHash' in list.body.users[0])
})

test('signs in by link with an HttpOnly SameSite cookie that authenticates the API', async () => {
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const form = await openSigninPage(fx.server.url, ann.token)
  const { res } = await confirmSignin(fx.server.url, ann.token, form)
  assert.is(res.status, 303)
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('cj_session=')) ?? ''
  assert.match(setCookie, /HttpOnly/)
  assert.match(setCookie, /SameSite=Lax/)
  const cookie = setCookie.split(';')[0]
  const me = await fetch(`${fx.server.url}/api/me`, { headers: { cookie } })
  assert.equal((await me.json()).name, 'Ann')
  assert.is((await fetch(`${fx.server.url}/signin/not-a-token`, { redirect: 'manual' })).status, 401)
})

test('refuses cross-site state changes made with the cookie, but not with a Bearer token', async () => {
  const cookie = await signIn(fx.server.leadToken)
  const body = JSON.stringify({ name: 'Eve', role: 'annotator' })
  const headers = { cookie, 'content-type': 'application/json' }
  const evil = await fetch(`${fx.server.url}/api/users`, { method: 'POST', body, headers: { ...headers, origin: 'https://evil.example' } })
  assert.is(evil.status, 403)
  const noOrigin = await fetch(`${fx.server.url}/api/users`, { method: 'POST', body, headers })
  assert.is(noOrigin.status, 403)
  const same = await fetch(`${fx.server.url}/api/users`, { method: 'POST', body, headers: { ...headers, origin: fx.server.url } })
  assert.is(same.status, 201)
  const bearer = await fetch(`${fx.server.url}/api/users`, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${fx.server.leadToken}`, 'content-type': 'application/json', origin: 'https://evil.example' },
  })
  assert.is(bearer.status, 201)
})

test('sends secure headers with a real Content-Security-Policy', async () => {
  const res = await fetch(`${fx.server.url}/api/health`)
  const csp = res.headers.get('content-security-policy') ?? ''
  assert.match(csp, /default-src 'self'/)
  assert.match(csp, /script-src 'self'/)
  assert.not.match(csp, /script-src[^;]*'unsafe-inline'/)
  assert.match(csp, /frame-ancestors 'none'/)
  assert.is(res.headers.get('x-content-type-options'), 'nosniff')
})

test('imports all lines or none, with 1-based line numbers', async () => {
  const bad = await api(fx.server, fx.server.leadToken, 'POST', '/api/tasks/import?batch=b', `${taskLine('t1')}\n{"id":"t2"}\n`, 'application/x-ndjson')
  assert.is(bad.status, 400)
  assert.ok(bad.body.errors.every((e: any) => e.line === 2))
  assert.equal((await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks, [])
  await importTasks(fx.server, taskLine('t1'), 'b')
  const clash = await api(fx.server, fx.server.leadToken, 'POST', '/api/tasks/import?batch=b', `${taskLine('t3')}\n${taskLine('t1')}`, 'application/x-ndjson')
  assert.is(clash.status, 409)
  assert.equal(clash.body.errors, [{ line: 2, message: 'task id "t1" already exists' }])
  assert.is((await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks.length, 1)
  const badBatch = await api(fx.server, fx.server.leadToken, 'POST', '/api/tasks/import?batch=', taskLine('t4'), 'application/x-ndjson')
  assert.is(badBatch.status, 400)
})

test('shows annotators only their assigned tasks, with the batch rubric on the detail', async () => {
  await importTasks(fx.server, [taskLine('t1'), taskLine('t2')].join('\n'), 'b')
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const rev = await createUser(fx.server, 'Rev', 'reviewer')
  await assign(fx.server, 't2', [ann.id])
  assert.equal((await api(fx.server, ann.token, 'GET', '/api/tasks')).body.tasks.map((t: any) => t.id), ['t2'])
  // An unassigned task says so and whom to ask; a missing one says there is none.
  const unassigned = await api(fx.server, ann.token, 'GET', '/api/tasks/t1')
  assert.is(unassigned.status, 403)
  assert.match(unassigned.body.error, /not assigned to you: ask .+ to assign it/)
  const missing = await api(fx.server, ann.token, 'GET', '/api/tasks/t404')
  assert.is(missing.status, 404)
  assert.match(missing.body.error, /No such task/)
  assert.is((await api(fx.server, rev.token, 'GET', '/api/tasks')).body.tasks.length, 2)
  const detail = await api(fx.server, ann.token, 'GET', '/api/tasks/t2')
  assert.equal(detail.body.assignees, [ann.id])
  assert.ok(detail.body.rubric.length > 0)
  assert.is(detail.body.mode, 'collaborative')
})

test('refuses to assign unknown users or non-annotators', async () => {
  await importTasks(fx.server, taskLine('t1'), 'b')
  const rev = await createUser(fx.server, 'Rev', 'reviewer')
  assert.is((await api(fx.server, fx.server.leadToken, 'POST', '/api/tasks/t1/assign', { userIds: ['ghost'] })).status, 400)
  assert.is((await api(fx.server, fx.server.leadToken, 'POST', '/api/tasks/t1/assign', { userIds: [rev.id] })).status, 400)
  assert.is((await api(fx.server, fx.server.leadToken, 'POST', '/api/tasks/nope/assign', { userIds: [] })).status, 404)
})

test('lists who is in each room and the live progress of its work', async () => {
  await importTasks(fx.server, taskLine('t1'), 'b')
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  await assign(fx.server, 't1', [ann.id])
  const p = connectPeer(fx.server.wsUrl, roomName.workspace('t1'), ann.token)
  fx.peers.push(p)
  await waitFor(() => p.provider.synced, 'sync')
  getWorkspace(p.doc).explanation.insert(0, 'b subtracts instead of adding')
  getWorkspace(p.doc).ratings.get('a')!.set('correctness', 5)
  await waitFor(async () => {
    const t = (await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks[0]
    return t.progress?.explanationWords === 5 && t.progress.scores === 1
  }, 'live progress')
  const t = (await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks[0]
  assert.equal(t.present.map((u: any) => u.name), ['Ann'])
  assert.is(t.progress.testCases, 1)
  assert.is(t.progress.ranked, false)
})

test('streams presence changes to signed-in clients', async () => {
  await importTasks(fx.server, taskLine('t1'), 'b')
  const controller = new AbortController()
  const res = await fetch(`${fx.server.url}/api/events`, { headers: { authorization: `Bearer ${fx.server.leadToken}` }, signal: controller.signal })
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/)
  const reader = res.body!.getReader()
  let text = ''
  const p = connectPeer(fx.server.wsUrl, roomName.workspace('t1'), fx.server.leadToken)
  fx.peers.push(p)
  try {
    while (!text.includes('"name":"Lead"')) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    assert.match(text, /event: presence/)
    assert.match(text, /"taskId":"t1"/)
  } finally {
    controller.abort()
  }
})

test('streams progress as the work in a room moves', async () => {
  await importTasks(fx.server, taskLine('t1'))
  const controller = new AbortController()
  const res = await fetch(`${fx.server.url}/api/events`, { headers: { authorization: `Bearer ${fx.server.leadToken}` }, signal: controller.signal })
  const reader = res.body!.getReader()
  const p = connectPeer(fx.server.wsUrl, roomName.workspace('t1'), fx.server.leadToken)
  fx.peers.push(p)
  await waitFor(() => p.provider.synced, 'sync')
  getWorkspace(p.doc).explanation.insert(0, 'one two three')
  let text = ''
  try {
    while (!/event: progress\ndata: .*"explanationWords":3/.test(text)) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    assert.match(text, /"taskId":"t1"/)
  } finally {
    controller.abort()
  }
})

test('answers unknown API routes with a JSON 404', async () => {
  const res = await api(fx.server, fx.server.leadToken, 'GET', '/api/nope')
  assert.is(res.status, 404)
  assert.match(res.body.error, /no route/)
})

test.run()
