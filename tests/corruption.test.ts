import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import * as Y from 'yjs'
import { UpdateLog, decodeRecords } from '../server/storage/updateLog'
import type { CorruptionReport } from '../server/storage/roomRecovery'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { api, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'
import { getWorkspace } from '../shared/schema'
import { roomName } from '../shared/roomNames'

// Damage is loud and destroys nothing, at the storage level: every bit flip and every truncation
// of a small snapshot and a small log is reported, destroys nothing, never crashes, and recovers
// what verifiably remains.
const test = suite('corruption')
const SHM = '/dev/shm'
let root = ''
let template = ''
test.before.each(async () => {
  // Hundreds of loads, each with fsyncs: on a RAM disk when there is one, so the run stays short.
  root = fs.existsSync(SHM) ? fs.mkdtempSync(path.join(SHM, 'codejury-corrupt-')) : tempDir('codejury-corrupt-')
  template = path.join(root, 'template')
  await writeRoom(template)
})
test.after.each(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

const TEXT = 'seed'
const EDITS_A = ['+a1', '+a2']
const EDITS_B = ['+b1', '+b2', '+b3']

/** The updates of a small room: a seed, two edits folded into a snapshot, three edits in the log. */
function history(): { seed: Uint8Array; a: Uint8Array[]; stateA: Uint8Array; b: Uint8Array[] } {
  const doc = new Y.Doc()
  doc.clientID = 1
  const text = doc.getText('t')
  text.insert(0, TEXT)
  const seed = Y.encodeStateAsUpdate(doc)
  const edit = (s: string) => {
    const before = Y.encodeStateVector(doc)
    text.insert(text.length, s)
    return Y.encodeStateAsUpdate(doc, before)
  }
  const a = EDITS_A.map(edit)
  const stateA = Y.encodeStateAsUpdate(doc)
  const b = EDITS_B.map(edit)
  return { seed, a, stateA, b }
}

/** Writes the room's files as a server leaves them: .snap, .snap.prev, .log.prev and .log. */
async function writeRoom(dir: string): Promise<void> {
  const h = history()
  const log = new UpdateLog(dir, 'workspace')
  log.writeInitial(h.seed)
  for (const u of h.a) log.append(u)
  await log.compact(h.stateA)
  for (const u of h.b) log.append(u)
  log.close()
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc.getText('t').toString()
}

/** Every file's bytes under `dir`, to look for the original bytes of a damaged file. */
function allFiles(dir: string): Buffer[] {
  return fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name)))
}

/** Damages one file with `damage`, loads the room, and checks the guarantees. */
async function check(
  name: string,
  file: 'workspace.snap' | 'workspace.log',
  damage: (bytes: Buffer) => Buffer,
): Promise<{ reports: CorruptionReport[]; text: string }> {
  const dir = path.join(root, name)
  fs.cpSync(template, dir, { recursive: true })
  const target = path.join(dir, file)
  const damaged = damage(fs.readFileSync(target))
  fs.writeFileSync(target, damaged)
  const reports: CorruptionReport[] = []
  let updates: Uint8Array[] = []
  try {
    updates = new UpdateLog(dir, 'workspace', (r) => reports.push(r as CorruptionReport)).load()
  } catch (err) {
    assert.unreachable(`${name}: load threw ${(err as Error).stack}`)
  }
  assert.ok(
    allFiles(dir).some((b) => b.equals(damaged)),
    `${name}: the damaged file's bytes still exist under the data dir`,
  )
  const text = textOf(updates)
  fs.rmSync(dir, { recursive: true, force: true })
  return { reports, text }
}

const FULL = TEXT + EDITS_A.join('') + EDITS_B.join('')

test('reports every bit flip of a snapshot and recovers it whole from the previous generation', async () => {
  const size = fs.statSync(path.join(template, 'workspace.snap')).size
  // positive control: undamaged files load silently and whole
  const clean = await check('clean', 'workspace.snap', (b) => b)
  assert.is(clean.reports.length, 0)
  assert.is(clean.text, FULL)
  for (let offset = 0; offset < size; offset++) {
    for (let bit = 0; bit < 8; bit++) {
      const { reports, text } = await check(`snap-${offset}-${bit}`, 'workspace.snap', (b) => {
        const copy = Buffer.from(b)
        copy[offset] ^= 1 << bit
        return copy
      })
      assert.is(reports.length, 1, `flip ${offset}:${bit} is reported`)
      assert.is(reports[0].problem, 'corrupt-snapshot')
      assert.is(reports[0].lostBytes, size)
      assert.ok(reports[0].recoveredFrom.some((f) => f.endsWith('workspace.snap.prev')))
      assert.is(text, FULL, `flip ${offset}:${bit} recovers everything`)
    }
  }
})

test('reports every truncation of a snapshot and recovers it whole from the previous generation', async () => {
  const size = fs.statSync(path.join(template, 'workspace.snap')).size
  for (let cut = 0; cut < size; cut++) {
    const { reports, text } = await check(`snap-cut-${cut}`, 'workspace.snap', (b) => b.subarray(0, cut))
    assert.is(reports.length, 1, `a snapshot cut to ${cut} bytes is reported`)
    assert.is(reports[0].problem, 'corrupt-snapshot')
    assert.is(text, FULL)
  }
})

test('reports every bit flip of a log, keeps it aside and replays the records before it', async () => {
  const bytes = fs.readFileSync(path.join(template, 'workspace.log'))
  const ends: number[] = []
  let at = 0
  for (const r of decodeRecords(bytes).records) ends.push((at += r.length + 8))
  assert.is(ends.length, EDITS_B.length)
  for (let offset = 0; offset < bytes.length; offset++) {
    const intact = ends.filter((end) => end <= offset).length
    const expected = TEXT + EDITS_A.join('') + EDITS_B.slice(0, intact).join('')
    for (let bit = 0; bit < 8; bit++) {
      const { reports, text } = await check(`log-${offset}-${bit}`, 'workspace.log', (b) => {
        const copy = Buffer.from(b)
        copy[offset] ^= 1 << bit
        return copy
      })
      assert.is(reports.length, 1, `flip ${offset}:${bit} is reported`)
      assert.ok(['corrupt-log', 'torn-log-tail'].includes(reports[0].problem))
      assert.is(reports[0].lostBytes, bytes.length - (ends[intact - 1] ?? 0))
      assert.is(text, expected, `flip ${offset}:${bit} keeps the records before it`)
    }
  }
})

test('reports every truncation of a log, inside a record or exactly between two, and keeps every record before the cut', async () => {
  const bytes = fs.readFileSync(path.join(template, 'workspace.log'))
  const ends = [0]
  let at = 0
  for (const r of decodeRecords(bytes).records) ends.push((at += r.length + 8))
  for (let cut = 0; cut < bytes.length; cut++) {
    const intact = ends.filter((end) => end <= cut).length - 1
    const { reports, text } = await check(`log-cut-${cut}`, 'workspace.log', (b) => b.subarray(0, cut))
    assert.is(text, TEXT + EDITS_A.join('') + EDITS_B.slice(0, intact).join(''), `cut at ${cut}`)
    if (ends.includes(cut)) {
      // Every record left is whole: only the room's mark knows the log was longer.
      assert.is(reports.length, 1, `a log cut at record boundary ${cut} is reported`)
      assert.is(reports[0].problem, 'lost-log-tail')
      assert.is(reports[0].lostBytes, bytes.length - cut)
      assert.is(reports[0].keptAs, null, 'nothing is left to keep')
    } else {
      assert.is(reports.length, 1, `a log cut to ${cut} bytes is reported`)
      assert.is(reports[0].problem, 'torn-log-tail')
    }
  }
})

test('appends after a damaged log go after its last intact record and survive a reload', async () => {
  const dir = template
  const file = path.join(dir, 'workspace.log')
  const bytes = fs.readFileSync(file)
  bytes[bytes.length - 3] ^= 0x10
  fs.writeFileSync(file, bytes)
  const reports: unknown[] = []
  const log = new UpdateLog(dir, 'workspace', (r) => reports.push(r))
  const updates = log.load()
  assert.is(reports.length, 1)
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  const before = Y.encodeStateVector(doc)
  doc.getText('t').insert(0, '>')
  log.append(Y.encodeStateAsUpdate(doc, before))
  log.close()
  const again: unknown[] = []
  const text = textOf(new UpdateLog(dir, 'workspace', (r) => again.push(r)).load())
  assert.is(text, '>' + TEXT + EDITS_A.join('') + EDITS_B.slice(0, 2).join(''))
  assert.is(again.length, 0, 'the recovered log reads clean')
})

test.run()

// Through the real server: the loss is reported by /api/health, and a stock client that still
// holds the content restores it by syncing, as Yjs does when the server serves what it recovered.
const e2e = suite('corruption through the server')
let dataDir = ''
let servers: TestServer[] = []
let peers: Peer[] = []
let providers: WebsocketProvider[] = []
let children: ChildServer[] = []
let extraDirs: string[] = []
e2e.before.each(() => {
  dataDir = tempDir('codejury-corrupt-e2e-')
})
e2e.after.each(async () => {
  for (const p of providers) p.destroy()
  for (const p of peers) p.destroy()
  for (const s of servers) await s.stop()
  for (const c of children) c.proc.kill('SIGKILL')
  await Promise.all(children.map((c) => c.exited))
  for (const d of extraDirs) fs.rmSync(d, { recursive: true, force: true })
  children = []
  extraDirs = []
  providers = []
  peers = []
  servers = []
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const serve = async () => {
  const s = await startServer({ dataDir })
  servers.push(s)
  return s
}
const join = (s: TestServer) => {
  const p = connectPeer(s.wsUrl, roomName.workspace('t1'), s.leadToken)
  peers.push(p)
  return p
}
const flip = (file: string, offset: number) => {
  const bytes = fs.readFileSync(file)
  bytes[offset] ^= 0x04
  fs.writeFileSync(file, bytes)
}

e2e('reports a lost snapshot in health, and a client holding the content restores it', async () => {
  const s1 = await serve()
  await importTasks(s1, taskLine('t1'))
  const holder = join(s1)
  await waitFor(() => holder.provider.synced, 'the holder to sync')
  getWorkspace(holder.doc).explanation.insert(0, 'kept by the client')
  const roomDir = path.join(dataDir, 'rooms', 't1')
  await waitFor(() => fs.existsSync(path.join(roomDir, 'workspace.log')), 'the append')
  holder.provider.disconnect()
  await s1.stop()
  servers = []
  // The snapshot and the log that led to it both damaged: the edit survives only in the client.
  flip(path.join(roomDir, 'workspace.snap'), 12)
  flip(path.join(roomDir, 'workspace.log.prev'), 12)
  const s2 = await serve()
  assert.equal((await api(s2, null, 'GET', '/api/health')).body, { ok: true }, 'nothing loaded, nothing known yet')
  const fresh = join(s2)
  await waitFor(() => fresh.provider.synced, 'a fresh client to sync')
  assert.is(getWorkspace(fresh.doc).explanation.toString(), '', 'the server lost the edit')
  assert.match(getWorkspace(fresh.doc).tests.toString(), 'def test_add', 'the seed came back from .snap.prev')

  const lead = await api(s2, s2.leadToken, 'GET', '/api/health')
  assert.is(lead.status, 200)
  assert.is(lead.body.ok, false)
  const problems = lead.body.degraded.map((d: { problem: string; file: string }) => `${d.problem} ${d.file}`)
  assert.equal(problems.sort(), ['corrupt-log rooms/t1/workspace.log.prev', 'corrupt-snapshot rooms/t1/workspace.snap'])
  for (const d of lead.body.degraded) {
    assert.is(d.room, roomName.workspace('t1'))
    assert.ok(fs.existsSync(path.join(dataDir, d.keptAs)), `${d.keptAs} is kept`)
  }
  const anyone = await api(s2, null, 'GET', '/api/health')
  assert.is(anyone.status, 200)
  assert.equal(Object.keys(anyone.body.degraded[0]).sort(), ['at', 'problem'], 'no paths for anonymous callers')

  // The holder reconnects with its own document: its sync puts the edit back, for everyone.
  const back = new WebsocketProvider(s2.wsUrl, encodeURIComponent(roomName.workspace('t1')), holder.doc, {
    params: { token: s2.leadToken },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  providers.push(back)
  await waitFor(
    () => getWorkspace(fresh.doc).explanation.toString() === 'kept by the client',
    'the restored edit to reach the fresh client',
  )
  back.destroy()
  fresh.destroy()
  peers = peers.filter((p) => p !== fresh)
  await s2.stop()
  servers = []
  const s3 = await serve()
  const later = join(s3)
  await waitFor(() => later.provider.synced, 'sync after another restart')
  assert.is(getWorkspace(later.doc).explanation.toString(), 'kept by the client', 'the restored edit was stored')
  assert.equal((await api(s3, null, 'GET', '/api/health')).body, { ok: true }, 'the recovered files read clean')
})

e2e('reports in health a room log cut exactly between two records, while the same log intact is healthy', async () => {
  // A server killed with edits in its log (a clean stop would fold them into the snapshot).
  const child = await spawnServer(dataDir)
  children.push(child)
  await importTasks({ ...child, leadToken: child.leadToken } as unknown as TestServer, taskLine('t1'))
  const writer = connectPeer(child.wsUrl, roomName.workspace('t1'), child.leadToken)
  peers.push(writer)
  await waitFor(() => writer.provider.synced, 'the writer to sync')
  const logFile = path.join(dataDir, 'rooms', 't1', 'workspace.log')
  const stored = () => (fs.existsSync(logFile) ? decodeRecords(fs.readFileSync(logFile)).records.length : 0)
  for (const word of ['one ', 'two ', 'three']) {
    const before = stored()
    getWorkspace(writer.doc).explanation.insert(getWorkspace(writer.doc).explanation.length, word)
    await waitFor(() => stored() > before, `the edit "${word}" to be appended`)
  }
  child.proc.kill('SIGKILL')
  await child.exited
  writer.destroy()
  const intactDir = tempDir('codejury-corrupt-intact-')
  extraDirs.push(intactDir)
  fs.cpSync(dataDir, intactDir, { recursive: true })
  fs.rmSync(path.join(intactDir, 'codejury.lock'), { force: true })
  const bytes = fs.readFileSync(logFile)
  const ends: number[] = []
  let at = 0
  for (const r of decodeRecords(bytes).records) ends.push((at += r.length + 8))
  fs.truncateSync(logFile, ends[ends.length - 2])

  const loadAndRead = async (s: TestServer) => {
    const p = join(s)
    await waitFor(() => p.provider.synced, 'a reader to sync')
    return getWorkspace(p.doc).explanation.toString()
  }
  // Control: the intact copy loads whole, and health stays ok.
  const intact = await startServer({ dataDir: intactDir })
  servers.push(intact)
  assert.is(await loadAndRead(intact), 'one two three')
  assert.equal((await api(intact, intact.leadToken, 'GET', '/api/health')).body, { ok: true })

  const s = await serve()
  assert.is(await loadAndRead(s), 'one two ', 'the records before the cut')
  const health = await api(s, s.leadToken, 'GET', '/api/health')
  assert.is(health.body.ok, false)
  assert.is(health.body.degraded.length, 1)
  const [d] = health.body.degraded
  assert.is(d.problem, 'lost-log-tail')
  assert.is(d.room, roomName.workspace('t1'))
  assert.is(d.file, 'rooms/t1/workspace.log')
  assert.is(d.lostBytes, bytes.length - ends[ends.length - 2])
  assert.is(d.keptAs, null)
})

e2e.run()
