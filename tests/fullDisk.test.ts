import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { UpdateLog, decodeRecords, encodeRecord } from '../server/storage/updateLog'
import { StorageError } from '../server/storage/storageError'
import { api, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { spawnExpectingExit, spawnServer } from './helpers/child'
import { fill, mountTmpfs, unmountTmpfs } from './helpers/tmpfs'

// A write is persisted before memory changes, on a real full disk: a small tmpfs, filled to the
// last byte. Appends are whole or absent, HTTP writes answer 507 and change nothing, and
// everything resumes once space is freed.
const test = suite('full disk')
let mnt = ''
let servers: TestServer[] = []
let logs: UpdateLog[] = []
let restore: (() => void)[] = []

test.after.each(async () => {
  for (const r of restore) r()
  restore = []
  for (const l of logs) l.close()
  for (const s of servers) await s.stop()
  logs = []
  servers = []
  if (mnt) {
    unmountTmpfs(mnt)
    mnt = ''
  }
})

/** Frees `bytes` at the end of the filler. */
function free(filler: string, bytes: number): void {
  fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - bytes))
}

const payload = (n: number) => crypto.randomBytes(n)

test('keeps only whole records when appends fail on a full disk, and appends again once space is freed', () => {
  if (!(mnt = mountTmpfs('1m') ?? '')) return
  const dir = path.join(mnt, 'rooms', 't1')
  const log = new UpdateLog(dir, 'workspace')
  logs.push(log)
  const stored: Buffer[] = []
  const append = (p: Buffer): boolean => {
    try {
      log.append(p)
      stored.push(p)
      return true
    } catch (err) {
      assert.instance(err, StorageError)
      assert.is((err as StorageError).code, 'ENOSPC')
      assert.ok((err as StorageError).full)
      return false
    }
  }
  for (let i = 0; i < 5; i++) assert.ok(append(payload(500)), 'appends with space')
  const filler = fill(mnt)
  const file = path.join(dir, 'workspace.log')
  // Watch the kernel's answers, to prove short writes (not only refused ones) were met.
  const writeSync = fs.writeSync
  let shortWrites = 0
  fs.writeSync = ((fd: number, buf: Uint8Array, offset?: number, length?: number) => {
    const n = writeSync(fd, buf, offset, length)
    if (length !== undefined && n < length) shortWrites++
    return n
  }) as typeof fs.writeSync
  restore.push(() => (fs.writeSync = writeSync))
  const wholeBytes = () => stored.reduce((n, p) => n + encodeRecord(p).length, 0)
  let failures = 0
  // A little space at a time: records bigger than what is free are cut short by the kernel.
  for (let round = 0; round < 20; round++) {
    free(filler, 1500)
    for (const size of [3000, 1000, 200]) if (!append(payload(size))) failures++
    const bytes = fs.readFileSync(file)
    assert.is(bytes.length, wholeBytes(), `round ${round}: the log holds exactly the stored records`)
    assert.is(decodeRecords(bytes).validBytes, bytes.length, `round ${round}: every byte is a whole record`)
  }
  restore.pop()!()
  assert.ok(failures > 0, 'the disk did run full')
  assert.ok(shortWrites > 0, 'some writes came back short')
  assert.ok(stored.length > 5, 'some appends fit in what was freed')
  fs.rmSync(filler)
  for (let i = 0; i < 5; i++) assert.ok(append(payload(3000)), 'appends resume once space is freed')
  log.close()
  const loaded = new UpdateLog(dir, 'workspace').load()
  assert.equal(loaded.map((r) => Buffer.from(r).toString('hex')), stored.map((p) => p.toString('hex')), 'reload returns every stored record')
})

test('leaves no partial snapshot when a compaction fails on a full disk, and compacts once space is freed', async () => {
  if (!(mnt = mountTmpfs('1m') ?? '')) return
  const dir = path.join(mnt, 'rooms', 't1')
  const log = new UpdateLog(dir, 'workspace')
  logs.push(log)
  log.writeInitial(payload(100))
  const records = [payload(2000), payload(2000)]
  for (const r of records) log.append(r)
  const filler = fill(mnt)
  const state = payload(100_000)
  try {
    await log.compact(state)
    assert.unreachable('the compaction fails')
  } catch (err) {
    assert.instance(err, StorageError)
    assert.is((err as StorageError).code, 'ENOSPC')
  }
  assert.not.ok(fs.existsSync(path.join(dir, 'workspace.snap.tmp')), 'the partial snapshot is removed')
  fs.rmSync(filler)
  await log.compact(state)
  log.close()
  const files = fs.readdirSync(dir).sort()
  assert.equal(files, ['workspace.log.prev', 'workspace.mark', 'workspace.snap', 'workspace.snap.prev'])
  assert.equal(new UpdateLog(dir, 'workspace').load().map((r) => r.length), [state.length])
})

test('answers 507 and changes nothing when a record write finds the disk full, and writes again once space is freed', async () => {
  if (!(mnt = mountTmpfs('4m') ?? '')) return
  const dataDir = path.join(mnt, 'data')
  const s1 = await startServer({ dataDir })
  servers.push(s1)
  const created = await api(s1, s1.leadToken, 'POST', '/api/users', { name: 'Ann', role: 'annotator' })
  assert.is(created.status, 201, 'positive control: a user is created with space')
  const usersFile = path.join(dataDir, 'users.json')
  const before = fs.readFileSync(usersFile)
  const filler = fill(mnt)
  const refused = await api(s1, s1.leadToken, 'POST', '/api/users', { name: 'Bob', role: 'annotator' })
  assert.is(refused.status, 507)
  assert.match(refused.body.error, /disk is full/)
  const listed = await api(s1, s1.leadToken, 'GET', '/api/users')
  assert.equal(listed.body.users.map((u: { name: string }) => u.name).sort(), ['Ann', 'Lead'], 'memory unchanged')
  assert.equal(fs.readFileSync(usersFile), before, 'file unchanged')
  const imported = await api(s1, s1.leadToken, 'POST', '/api/tasks/import?batch=b', taskLine('t9'), 'application/x-ndjson')
  assert.is(imported.status, 507, 'an import on a full disk')
  assert.is((await api(s1, s1.leadToken, 'GET', '/api/tasks/t9')).status, 404, 'no task appeared')
  fs.rmSync(filler)
  const again = await api(s1, s1.leadToken, 'POST', '/api/users', { name: 'Bob', role: 'annotator' })
  assert.is(again.status, 201, 'writes resume once space is freed')
  await s1.stop()
  servers = []
  const s2 = await startServer({ dataDir })
  servers.push(s2)
  const after = await api(s2, s2.leadToken, 'GET', '/api/users')
  assert.equal(after.body.users.map((u: { name: string }) => u.name).sort(), ['Ann', 'Bob', 'Lead'], 'exactly the answered writes survive a restart')
})

test('refuses to start on a full disk with one line, and starts once space is freed', async () => {
  if (!(mnt = mountTmpfs('1m') ?? '')) return
  const dataDir = path.join(mnt, 'data')
  fs.mkdirSync(dataDir)
  const filler = fill(mnt)
  const { code, output } = await spawnExpectingExit(dataDir)
  assert.is(code, 1)
  assert.is(output.trim().split('\n').length, 1, `one line, got:\n${output}`)
  assert.match(output, /codejury: cannot start: writing .* failed: the server's disk is full/)
  fs.rmSync(filler)
  const c = await spawnServer(dataDir)
  c.proc.kill('SIGTERM')
  assert.is(await c.exited, 0, `positive control: it starts with space; output:\n${c.output()}`)
})

test.run()
