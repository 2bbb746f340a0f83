/** Sign-in sessions: the cookie holds a session id, sign-out and revocation end it, expiry too. */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { hashToken } from '../server/auth/tokens'
import { against, runCliCaptured } from './helpers/cli'
import { MAX_SESSIONS_PER_USER, SessionStore } from '../server/storage/sessions'
import { roomName } from '../shared/roomNames'
import { api, assign, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { openSigninPage, signInWithLink } from './helpers/signin'

const test = suite('sessions')
let server: TestServer | null = null
let peers: Peer[] = []
let dirs: string[] = []
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server?.stop()
  server = null
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  dirs = []
})

/** Signs in like a person with a browser (open the link, press the button); returns `cj_session=…`. */
function signIn(s: TestServer, token: string, cookie?: string): Promise<string> {
  return signInWithLink(s.url, token, cookie)
}

function cookieValue(cookie: string): string {
  return decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1))
}

async function meStatus(s: TestServer, cookie: string): Promise<number> {
  return (await fetch(`${s.url}/api/me`, { headers: { cookie } })).status
}

async function signOut(s: TestServer, cookie: string) {
  const res = await fetch(`${s.url}/api/signout`, { method: 'POST', headers: { cookie, origin: s.url } })
  return { status: res.status, body: await res.json(), setCookie: res.headers.get('set-cookie') ?? '' }
}

/** A stock provider whose socket sends `cookie` on the upgrade, as a signed-in browser does. */
function cookiePeer(s: TestServer, room: string, cookie: string): Peer {
  class CookieSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } })
    }
  }
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(s.wsUrl, encodeURIComponent(room), doc, {
    WebSocketPolyfill: CookieSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  const closes: Peer['closes'] = []
  provider.on('connection-close', (event: any) => {
    if (event) closes.push({ code: event.code, reason: String(event.reason ?? '') })
  })
  const peer: Peer = { doc, provider, closes, destroy: () => (provider.destroy(), doc.destroy()) }
  peers.push(peer)
  return peer
}

function sessionsFile(s: TestServer): string {
  return path.join(s.dataDir, 'sessions.json')
}

test('puts a session id in the cookie, never the token, and stores only its hash (0600)', async () => {
  server = await startServer()
  const ann = await createUser(server, 'Ann', 'annotator')
  const cookie = await signIn(server, ann.token)
  const id = cookieValue(cookie)
  assert.ok(id.length >= 43, 'a 256-bit id')
  assert.is.not(id, ann.token)
  assert.not.ok(cookie.includes(ann.token))
  assert.is(await meStatus(server, cookie), 200)
  const stored = fs.readFileSync(sessionsFile(server), 'utf8')
  assert.not.ok(stored.includes(id), 'the session id itself is not on disk')
  assert.not.ok(stored.includes(ann.token), 'nor the token')
  assert.ok(stored.includes(hashToken(id)), 'its SHA-256 is')
  assert.is(fs.statSync(sessionsFile(server)).mode & 0o777, 0o600)
})

test('makes the old cookie useless after sign-out, for the API and WebSockets, while a fresh sign-in works', async () => {
  server = await startServer()
  await importTasks(server, taskLine('t1'))
  const ann = await createUser(server, 'Ann', 'annotator')
  await assign(server, 't1', [ann.id])
  const old = await signIn(server, ann.token)
  const before = cookiePeer(server, roomName.workspace('t1'), old)
  await waitFor(() => before.provider.synced, 'the cookie opens the room before sign-out')
  // another session of the same person stays open: sign-out ends one session, not the person
  const other = await signIn(server, ann.token)
  const otherPeer = cookiePeer(server, roomName.workspace('t1'), other)
  await waitFor(() => otherPeer.provider.synced, 'a second session opens the room')
  const out = await signOut(server, old)
  await waitFor(() => before.closes.some((c) => c.code === 4401), 'the signed-out socket closes with 4401')
  before.destroy()
  assert.not.ok(otherPeer.closes.some((c) => c.code === 4401), 'the other session stays connected')
  otherPeer.destroy()
  assert.is(out.status, 200)
  assert.is(out.body.ended, true)
  assert.match(out.setCookie, /cj_session=;/)
  assert.is(await meStatus(server, old), 401)
  const after = cookiePeer(server, roomName.workspace('t1'), old)
  await waitFor(() => after.closes.some((c) => c.code === 4401), 'the old cookie is refused with 4401')
  assert.not.ok(after.provider.synced)
  const fresh = await signIn(server, ann.token)
  assert.is.not(fresh, old)
  assert.is(await meStatus(server, fresh), 200)
  const again = cookiePeer(server, roomName.workspace('t1'), fresh)
  await waitFor(() => again.provider.synced, 'a fresh sign-in opens the room')
})

test('ends the previous session of a browser that switches to another account, and keeps it on its own link', async () => {
  server = await startServer()
  const ann = await createUser(server, 'Ann', 'annotator')
  const bob = await createUser(server, 'Bob', 'annotator')
  const first = await signIn(server, ann.token)
  // Opening one's own link again while signed in changes nothing: no form, no second session.
  const own = await openSigninPage(server.url, ann.token, first)
  assert.is(own.status, 200)
  assert.is(own.nonce, null)
  assert.match(own.html, /already signed in as Ann/)
  assert.is(await meStatus(server, first), 200)
  const second = await signIn(server, bob.token, first)
  assert.is(await meStatus(server, first), 401, "Ann's session in this browser ended")
  assert.is(await meStatus(server, second), 200)
  const list = await api(server, server.leadToken, 'GET', '/api/sessions')
  assert.equal(list.body.sessions.map((s: { userName: string }) => s.userName), ['Bob'])
})

test('lists sessions to the lead without secrets and revokes one of them', async () => {
  server = await startServer()
  const ann = await createUser(server, 'Ann', 'annotator')
  const laptop = await signIn(server, ann.token)
  const phone = await signIn(server, ann.token)
  assert.is((await api(server, ann.token, 'GET', '/api/sessions')).status, 403)
  const list = await api(server, server.leadToken, 'GET', '/api/sessions')
  assert.is(list.status, 200)
  assert.is(list.body.sessions.length, 2)
  for (const s of list.body.sessions) {
    assert.equal(Object.keys(s).sort(), ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'role', 'userId', 'userName'])
    assert.is(s.userId, ann.id)
    assert.is(s.userName, 'Ann')
    assert.match(s.id, /^[0-9a-f]{16}$/)
    assert.ok(Date.parse(s.expiresAt) > Date.parse(s.createdAt))
  }
  const text = JSON.stringify(list.body)
  for (const c of [laptop, phone]) {
    assert.not.ok(text.includes(cookieValue(c)))
    assert.not.ok(text.includes(hashToken(cookieValue(c))), 'not even the full hash')
  }
  const laptopId = hashToken(cookieValue(laptop)).slice(0, 16)
  const revoked = await api(server, server.leadToken, 'DELETE', `/api/sessions/${laptopId}`)
  assert.equal(revoked.body, { revoked: 1, userId: ann.id })
  assert.is(await meStatus(server, laptop), 401)
  assert.is(await meStatus(server, phone), 200, 'the other session still works')
  assert.is((await api(server, server.leadToken, 'DELETE', `/api/sessions/${laptopId}`)).status, 404)
  assert.is((await api(server, server.leadToken, 'DELETE', '/api/sessions/not-hex')).status, 400)
})

test("revokes every session of one user and no one else's", async () => {
  server = await startServer()
  const ann = await createUser(server, 'Ann', 'annotator')
  const bob = await createUser(server, 'Bob', 'annotator')
  const a1 = await signIn(server, ann.token)
  const a2 = await signIn(server, ann.token)
  const b1 = await signIn(server, bob.token)
  const res = await api(server, server.leadToken, 'DELETE', `/api/sessions?user=${ann.id}`)
  assert.equal(res.body, { revoked: 2 })
  assert.is(await meStatus(server, a1), 401)
  assert.is(await meStatus(server, a2), 401)
  assert.is(await meStatus(server, b1), 200)
  assert.is((await api(server, server.leadToken, 'DELETE', '/api/sessions')).status, 400)
  assert.is((await api(server, ann.token, 'GET', '/api/me')).status, 200, 'the token itself is untouched')
})

test('refuses and prunes an expired session, while a fresh sign-in works', async () => {
  server = await startServer({ config: { sessionTtlMs: 1_500 } })
  const ann = await createUser(server, 'Ann', 'annotator')
  const cookie = await signIn(server, ann.token)
  const hash = hashToken(cookieValue(cookie))
  assert.match(fs.readFileSync(sessionsFile(server), 'utf8'), hash)
  await waitFor(async () => (await meStatus(server!, cookie)) === 401, 'the session to expire')
  await waitFor(() => !fs.readFileSync(sessionsFile(server!), 'utf8').includes(hash), 'the expired session pruned from disk')
  const fresh = await signIn(server, ann.token)
  assert.is(await meStatus(server, fresh), 200)
})

test('prunes sessions that expired while the server was down, and keeps the live ones', async () => {
  const dataDir = tempDir()
  dirs.push(dataDir)
  const now = Date.now()
  const session = (id: string, expiresAt: number) => ({
    hash: hashToken(id),
    userId: 'placeholder',
    createdAt: new Date(now - 60_000).toISOString(),
    lastUsedAt: new Date(now - 60_000).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
  })
  server = await startServer({ dataDir })
  const ann = await createUser(server, 'Ann', 'annotator')
  await server.stop()
  const owner = { userId: ann.id, tokenHash: hashToken(ann.token) }
  const live = { ...session('cjs_live', now + 3_600_000), ...owner }
  const dead = { ...session('cjs_dead', now - 1_000), ...owner }
  fs.writeFileSync(path.join(dataDir, 'sessions.json'), JSON.stringify({ sessions: [live, dead] }))
  server = await startServer({ dataDir })
  const stored = fs.readFileSync(sessionsFile(server), 'utf8')
  assert.ok(stored.includes(live.hash))
  assert.not.ok(stored.includes(dead.hash))
  assert.is(await meStatus(server, 'cj_session=cjs_live'), 200)
  assert.is(await meStatus(server, 'cj_session=cjs_dead'), 401)
})

test('ends the sessions a token started once that token is replaced, even if nobody revokes them', async () => {
  const dataDir = tempDir()
  dirs.push(dataDir)
  server = await startServer({ dataDir })
  const ann = await createUser(server, 'Ann', 'annotator')
  const bob = await createUser(server, 'Bob', 'annotator')
  const annCookie = await signIn(server, ann.token)
  const bobCookie = await signIn(server, bob.token)
  await server.stop()
  // Rotate Ann's token in the records only, as a restore or a rotation that forgot the sessions would.
  const usersFile = path.join(dataDir, 'users.json')
  const records = JSON.parse(fs.readFileSync(usersFile, 'utf8'))
  const newToken = 'cj_a-new-token-for-ann-0000000000000000000000000'
  records.users.find((u: any) => u.id === ann.id).tokenHash = hashToken(newToken)
  fs.writeFileSync(usersFile, JSON.stringify(records))
  server = await startServer({ dataDir })
  assert.is(await meStatus(server, annCookie), 401, 'the old token\'s session is dead')
  assert.is(await meStatus(server, bobCookie), 200, "another user's session lives on")
  assert.is(await meStatus(server, await signIn(server, newToken)), 200, 'the new token signs in')
})

test("keeps at most 20 sessions per user, dropping the least recently used, and prunes at open", async () => {
  const dataDir = tempDir()
  dirs.push(dataDir)
  let now = Date.parse('2026-01-01T00:00:00Z')
  const store = await SessionStore.open(dataDir, { ttlMs: 60_000, now: () => now })
  const ids: string[] = []
  for (let i = 0; i < MAX_SESSIONS_PER_USER; i++) {
    now += 1_000
    ids.push((await store.create('ann', 'h')).id)
  }
  await store.create('bob', 'h')
  now += 1_000
  assert.ok(store.resolve(ids[0]), 'the oldest session, used again, is now the most recent')
  now += 1_000
  const newest = (await store.create('ann', 'h')).id
  assert.is(store.list().filter((s) => s.userId === 'ann').length, MAX_SESSIONS_PER_USER)
  assert.ok(store.resolve(ids[0]))
  assert.not.ok(store.resolve(ids[1]), 'the least recently used one was dropped')
  assert.ok(store.resolve(newest))
  assert.is(store.list().filter((s) => s.userId === 'bob').length, 1, "another user's session is untouched")
  await store.flush()
  now += 60_000
  assert.not.ok(store.resolve(newest), 'expired')
  await store.flush()
  const reopened = await SessionStore.open(dataDir, { ttlMs: 60_000, now: () => now })
  assert.equal(reopened.list(), [])
  assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, 'sessions.json'), 'utf8')), { sessions: [] })
})

test('lists and revokes sessions from the command line', async () => {
  server = await startServer()
  const ann = await createUser(server, 'Ann', 'annotator')
  const cookie = await signIn(server, ann.token)
  const run = (argv: string[]) => runCliCaptured([...argv, ...against(server!)])
  const list = await run(['sessions', 'list', '--json'])
  assert.is(list.code, 0)
  const [row] = JSON.parse(list.stdout).sessions
  assert.is(row.userName, 'Ann')
  const table = await run(['sessions', 'list'])
  assert.match(table.stdout, new RegExp(`${row.id}\\s+${ann.id}\\s+Ann`))
  const usage = await run(['sessions', 'revoke'])
  assert.is(usage.code, 2)
  // An id is one path segment: a hostile one is refused as an id and reaches no other route.
  const hostile = await run(['sessions', 'revoke', `../users/${ann.id}`])
  assert.is(hostile.code, 1)
  assert.match(hostile.stderr, /a session id is 16–64 hex digits/, hostile.stderr)
  assert.ok((await run(['users', 'list', '--json'])).stdout.includes(ann.id), 'Ann was not removed')
  assert.is(await meStatus(server, cookie), 200)
  const revoke = await run(['sessions', 'revoke', row.id])
  assert.is(revoke.code, 0)
  assert.is(revoke.stdout.trim(), 'revoked 1 session')
  assert.is(await meStatus(server, cookie), 401)
  const missing = await run(['sessions', 'revoke', row.id])
  assert.is(missing.code, 1)
  assert.match(missing.stderr, /no session/)
})

test.run()
