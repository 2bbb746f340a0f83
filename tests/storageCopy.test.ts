/**
 * `codejury storage copy`: a file DATA_DIR with a finalized task, users, sessions, gold, comments
 * and time on task moves into an empty PostgreSQL database, a STORAGE=postgres instance serves it
 * (task, verifying record, room contents, an existing sign-in), and it moves back into a new
 * DATA_DIR that a file server serves the same. The copy refuses a non-empty target, a DATA_DIR a
 * server holds, and a source whose record was tampered with.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getThreads, getWorkspace } from '../shared/schema'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import { createTestDatabase } from './helpers/postgres'
import type { TestDatabase } from './helpers/postgres'
import { REDIS_URL, deleteKeys, requireRedis, uniquePrefix } from './helpers/redis'
import { api, startServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { act, addThread, completeWorkspace, reviewTask, syncedPeer } from './helpers/review'
import { signInWithLink } from './helpers/signin'
import { runCliCaptured } from './helpers/cli'
import { waitFor } from './helpers/waitFor'
import { RecordKeys } from '../server/storage/recordKey'

const test = suite('storage copy: a DATA_DIR into PostgreSQL and back')

const EXPLANATION = 'B subtracts; A is plain and right. (copied)'

/** The source DATA_DIR every test copies from (each from its own copy of it), made once. */
interface Fixture {
  dir: string
  keyFile: string
  leadToken: string
  ann: { id: string; token: string }
  cookie: string
  /** The native export line of the finalized record, as the file server answered it. */
  exportText: string
}

let root = ''
let fixture: Fixture
const dbs: TestDatabase[] = []
const children: ChildServer[] = []
const peers: Peer[] = []
const prefixes: string[] = []

/** A finalized task with comments, gold, a signed-in annotator and time on task, on a file server that is then stopped. */
async function makeFixture(dir: string): Promise<Fixture> {
  const server = await startServer({ dataDir: dir })
  try {
    const { id, ann } = await reviewTask(server)
    const cookie = await signInWithLink(server.url, ann.token)
    const workspace = await syncedPeer(server, roomName.workspace(id), ann.token, peers)
    const comments = await syncedPeer(server, roomName.comments(id), ann.token, peers)
    await addThread(server, comments, id, 'th1', true)
    await completeWorkspace(server, workspace, id, { explanation: EXPLANATION })
    // Closed before the finalize seals the rooms (which closes their editors' sockets).
    for (const p of peers.splice(0)) p.destroy()
    const finalized = await act(server, server.leadToken, id, 'finalize')
    assert.is(finalized.status, 200, JSON.stringify(finalized.body))
    const gold = await api(server, server.leadToken, 'POST', `/api/tasks/${id}/gold`, { ranking: ['a', 'b', 'c'] })
    assert.is(gold.status, 200, JSON.stringify(gold.body))
    const exported = await fetch(`${server.url}/api/export?format=native&gold=include`, { headers: { authorization: `Bearer ${server.leadToken}` } })
    assert.is(exported.status, 200)
    const exportText = (await exported.text()).trim()
    return { dir, keyFile: path.join(dir, 'keys', 'record-key.pem'), leadToken: server.leadToken, ann, cookie, exportText }
  } finally {
    for (const p of peers.splice(0)) p.destroy()
    await server.stop()
  }
}

/** A fresh copy of the fixture's DATA_DIR (lock-free: its server stopped). */
function sourceCopy(name: string): string {
  const dir = path.join(root, name)
  fs.cpSync(fixture.dir, dir, { recursive: true })
  return dir
}

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase()
  dbs.push(db)
  return db
}

async function isEmptyDb(db: TestDatabase): Promise<boolean> {
  const pool = db.pool()
  try {
    // A copy refused before it connected left no schema either.
    if ((await pool.query("SELECT to_regclass('record_docs') IS NULL AS none")).rows[0].none) return true
    const { rows } = await pool.query('SELECT (SELECT count(*) FROM record_docs) + (SELECT count(*) FROM record_logs) + (SELECT count(*) FROM room_logs) AS n')
    return Number(rows[0].n) === 0
  } finally {
    await pool.end()
  }
}

/** A lead's GET as raw text (an export of one record is one JSON line, which api() would parse). */
async function getText(server: { url: string }, route: string): Promise<{ status: number; text: string }> {
  const res = await fetch(server.url + route, { headers: { authorization: `Bearer ${fixture?.leadToken ?? ''}` } })
  return { status: res.status, text: await res.text() }
}

/** Each room's log as PostgreSQL holds it, and its client-id owners as `room/user`. */
async function roomRows(db: TestDatabase) {
  const pool = db.pool()
  try {
    const logs = await pool.query<{ name: string; snapshot: boolean; updates: string }>(
      'SELECT name, snapshot IS NOT NULL AS snapshot, (SELECT count(*) FROM room_updates u WHERE u.room = l.name) AS updates FROM room_logs l',
    )
    const owners = await pool.query<{ room: string; owner: string }>('SELECT room, owner FROM room_owners')
    return {
      logs: logs.rows.map((r) => ({ name: r.name, snapshot: r.snapshot, updates: Number(r.updates) })),
      owners: owners.rows.map((r) => `${r.room}/${r.owner}`),
    }
  } finally {
    await pool.end()
  }
}

function copy(args: string[]) {
  return runCliCaptured(['storage', 'copy', ...args, '--json'])
}

async function stopChild(child: ChildServer): Promise<void> {
  child.proc.kill('SIGTERM')
  await child.exited
}

test.before(async () => {
  await requireRedis()
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'codejury-copy-'))
  fixture = await makeFixture(path.join(root, 'fixture'))
})

test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  for (const child of children.splice(0)) {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL')
    await child.exited
  }
  for (const db of dbs.splice(0)) await db.drop()
  for (const prefix of prefixes.splice(0)) await deleteKeys(prefix)
})

test.after(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

/** Reads the workspace and comments rooms of t1 through a stock provider. */
async function roomView(wsUrl: string, token: string): Promise<{ explanation: string; threads: number }> {
  const ws = connectPeer(wsUrl, roomName.workspace('t1'), token)
  const cm = connectPeer(wsUrl, roomName.comments('t1'), token)
  peers.push(ws, cm)
  await waitFor(() => ws.provider.synced && cm.provider.synced, 'both rooms to sync')
  return { explanation: getWorkspace(ws.doc).explanation.toString(), threads: getThreads(cm.doc).length }
}

let servedCount = 0

/** What a server serves of the copied data: the task, its verifying record, its rooms, a sign-in. */
async function served(server: { url: string; wsUrl: string }) {
  const task = await api(server, fixture.leadToken, 'GET', '/api/tasks/t1')
  const me = await fetch(`${server.url}/api/me`, { headers: { cookie: fixture.cookie } })
  const exported = await getText(server, '/api/export?format=native&gold=include')
  // Gold tasks are left out of an export unless asked for: an empty default export says t1 is gold.
  const withoutGold = await getText(server, '/api/export?format=native')
  const key = await api(server, fixture.leadToken, 'GET', '/api/records/key')
  const n = ++servedCount
  const exportFile = path.join(root, `export-${n}.jsonl`)
  const keyFile = path.join(root, `key-${n}.json`)
  fs.writeFileSync(exportFile, exported.text)
  fs.writeFileSync(keyFile, JSON.stringify(key.body))
  const verified = await runCliCaptured(['verify', exportFile, '--key', keyFile])
  return {
    status: task.body.status,
    assignees: task.body.assignees,
    meStatus: me.status,
    meId: me.status === 200 ? ((await me.json()) as { id: string }).id : null,
    exportText: exported.text.trim(),
    goldLeftOut: withoutGold.status === 200 && withoutGold.text === '',
    verify: { code: verified.code, out: verified.stdout.trim().split('\n').pop(), err: verified.stderr },
    rooms: await roomView(server.wsUrl, fixture.ann.token),
  }
}

test('a file DATA_DIR moves into PostgreSQL, serves there, and moves back into a DATA_DIR that serves the same', async () => {
  const source = sourceCopy('to-pg')
  const db = await database()
  const forth = await copy(['--from-dir', source, '--to-postgres', db.url])
  assert.is(forth.code, 0, forth.stderr + forth.stdout)
  const summary = JSON.parse(forth.stdout)
  assert.is(summary.verified, true)
  for (const kind of ['users', 'batches', 'tasks', 'sessions', 'gold', 'activity', 'audit', 'records', 'rooms']) {
    assert.ok(summary.counts[kind].source > 0, `the fixture holds ${kind}`)
    assert.is(summary.counts[kind].target, summary.counts[kind].source, `${kind} counted alike`)
  }
  assert.ok(fs.existsSync(path.join(source, 'tasks')), 'the source is left in place')
  assert.not.ok(fs.existsSync(path.join(source, 'codejury.lock')), 'the copy released its lock')
  const rooms = await roomRows(db)
  assert.ok(rooms.logs.length >= 2, 'the workspace and comments rooms are there')
  assert.ok(rooms.logs.every((r) => r.snapshot && r.updates === 0), 'each room is one snapshot')
  assert.ok(rooms.owners.includes(`task:t1/${fixture.ann.id}`), 'the annotator owns her client id in the workspace')

  const prefix = uniquePrefix('storage-copy')
  prefixes.push(prefix)
  const pg = await spawnServer(path.join(root, 'pg-instance'), {
    STORAGE: 'postgres',
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    RECORD_KEY_FILE: fixture.keyFile,
  })
  children.push(pg)
  assert.not.ok(fs.existsSync(path.join(root, 'pg-instance', 'lead-token')), 'the copied lead is the lead: no new one was made')
  const onPg = await served(pg)
  assert.equal([onPg.status, onPg.assignees], ['finalized', [fixture.ann.id]])
  assert.equal([onPg.meStatus, onPg.meId], [200, fixture.ann.id], 'the session signed in on files still signs in')
  assert.is(onPg.exportText, fixture.exportText, 'the record is exported byte for byte as before')
  assert.is(JSON.parse(fixture.exportText).task_id, 't1')
  assert.ok(onPg.goldLeftOut, 't1 is still gold')
  assert.equal(onPg.verify, { code: 0, out: '1 records: 1 verified, 0 failed', err: '' })
  assert.equal(onPg.rooms, { explanation: EXPLANATION, threads: 1 })
  for (const p of peers.splice(0)) p.destroy()
  await stopChild(pg)

  const back = path.join(root, 'back')
  const returned = await copy(['--from-postgres', db.url, '--to-dir', back, '--record-key', fixture.keyFile])
  assert.is(returned.code, 0, returned.stderr + returned.stdout)
  assert.equal(JSON.parse(returned.stdout).counts, summary.counts, 'the same counts came back')
  const files = await startServer({ dataDir: back, config: { recordKeyFile: fixture.keyFile } })
  try {
    const onFiles = await served(files)
    assert.equal(onFiles, onPg, 'the file server on the copy serves what PostgreSQL served')
  } finally {
    for (const p of peers.splice(0)) p.destroy()
    await files.stop()
  }
})

test('refuses a target that holds anything; an empty one is accepted', async () => {
  const db = await database()
  const first = await copy(['--from-dir', sourceCopy('empty-ok'), '--to-postgres', db.url])
  assert.is(first.code, 0, first.stderr)
  const again = await copy(['--from-dir', sourceCopy('not-empty'), '--to-postgres', db.url])
  assert.is(again.code, 1)
  assert.match(again.stderr, /is not empty/)

  const dir = path.join(root, 'occupied')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'users.json'), '{"users":[]}')
  const intoDir = await copy(['--from-postgres', db.url, '--to-dir', dir, '--record-key', fixture.keyFile])
  assert.is(intoDir.code, 1)
  assert.match(intoDir.stderr, /is not empty/)
  assert.equal(fs.readdirSync(dir), ['users.json'], 'nothing was written into it')
  const otherKey = path.join(root, 'other-key', 'record-key.pem')
  RecordKeys.open(otherKey)
  const wrongKey = await copy(['--from-postgres', db.url, '--to-dir', path.join(root, 'wrong-key'), '--record-key', otherKey])
  assert.is(wrongKey.code, 1)
  assert.match(wrongKey.stderr, /the record key is not the source's/)
  const intoEmpty = await copy(['--from-postgres', db.url, '--to-dir', path.join(root, 'fresh'), '--record-key', fixture.keyFile])
  assert.is(intoEmpty.code, 0, intoEmpty.stderr)
})

test('refuses while a server holds the DATA_DIR, and copies once it stopped', async () => {
  const source = sourceCopy('locked')
  const db = await database()
  const server = await spawnServer(source)
  children.push(server)
  const refused = await copy(['--from-dir', source, '--to-postgres', db.url])
  assert.is(refused.code, 1)
  assert.match(refused.stderr, new RegExp(`in use by another codejury process \\(pid ${server.proc.pid}\\)`))
  assert.ok(await isEmptyDb(db), 'nothing was written')
  await stopChild(server)
  const accepted = await copy(['--from-dir', source, '--to-postgres', db.url])
  assert.is(accepted.code, 0, accepted.stderr)
})

test('a record whose content was changed fails verification and nothing is copied', async () => {
  const clean = await database()
  const ok = await copy(['--from-dir', sourceCopy('clean'), '--to-postgres', clean.url])
  assert.is(ok.code, 0, ok.stderr)

  const source = sourceCopy('tampered')
  const file = path.join(source, 'records', 't1', '1.json')
  const text = fs.readFileSync(file, 'utf8')
  assert.ok(text.includes(EXPLANATION))
  fs.writeFileSync(file, text.replace(EXPLANATION, EXPLANATION.replace('right', 'wrong')))
  const db = await database()
  const refused = await copy(['--from-dir', source, '--to-postgres', db.url])
  assert.is(refused.code, 1)
  assert.match(refused.stderr, /does not read faithfully/)
  assert.match(refused.stderr, /record t1\/1: .*record_hash/)
  assert.ok(await isEmptyDb(db), 'nothing was written')
})

test.run()
