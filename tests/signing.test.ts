/** Signed review records: the key file, the published key set, rotation, and the upgrade of unsigned records. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { roomName } from '../shared/roomNames'
import { api, createUser, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { act, completeWorkspace, syncedPeer } from './helpers/review'
import type { Peer } from './helpers/peer'

const test = suite('signing')
let dataDir = ''
let servers: TestServer[] = []
const peers: Peer[] = []

test.before.each(() => {
  dataDir = tempDir('codejury-signing-')
})
test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  for (const s of servers.splice(0)) await s.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

async function start(config = {}): Promise<TestServer> {
  const s = await startServer({ dataDir, config })
  servers.push(s)
  return s
}

async function stop(s: TestServer): Promise<void> {
  for (const p of peers.splice(0)) p.destroy()
  await s.stop()
  servers = servers.filter((x) => x !== s)
}

async function finalizeTask(s: TestServer, id: string): Promise<any> {
  await importTasks(s, taskLine(id))
  const lead = await syncedPeer(s, roomName.workspace(id), s.leadToken, peers)
  await completeWorkspace(s, lead, id)
  const res = await act(s, s.leadToken, id, 'finalize')
  assert.is(res.status, 200, JSON.stringify(res.body))
  return res.body
}

async function exportNative(s: TestServer): Promise<{ status: number; text: string }> {
  const res = await fetch(`${s.url}/api/export?format=native&revisions=all`, { headers: { authorization: `Bearer ${s.leadToken}` } })
  return { status: res.status, text: await res.text() }
}

const rows = (text: string) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l))

test('keeps the private key in a 0600 file outside the record store and publishes its public half to anyone signed in', async () => {
  const s = await start()
  const keyFile = path.join(dataDir, 'keys', 'record-key.pem')
  assert.is(fs.statSync(keyFile).mode & 0o777, 0o600)
  assert.match(fs.readFileSync(keyFile, 'utf8'), /BEGIN PRIVATE KEY/)
  assert.is((await api(s, null, 'GET', '/api/records/key')).status, 401, 'a stranger gets nothing')
  const reviewer = await createUser(s, 'Rae', 'reviewer')
  const res = await api(s, reviewer.token, 'GET', '/api/records/key')
  assert.is(res.status, 200, 'positive control: a reviewer sees the keys')
  assert.is(res.body.keys.length, 1)
  assert.is(res.body.keys[0].key_id, res.body.current)
  assert.match(res.body.keys[0].public_key, /BEGIN PUBLIC KEY/)
  assert.not.match(JSON.stringify(res.body), /PRIVATE/)
  const record = await finalizeTask(s, 't1')
  assert.is(record.key_id, res.body.current)
})

test('signs with the key RECORD_KEY_FILE names, and still verifies old records after the key is rotated', async () => {
  const keyDir = tempDir('codejury-keys-')
  try {
    const keyFile = path.join(keyDir, 'signing.pem')
    let s = await start({ recordKeyFile: keyFile })
    assert.ok(fs.existsSync(keyFile), 'the key is created where RECORD_KEY_FILE says')
    assert.not.ok(fs.existsSync(path.join(dataDir, 'keys')), 'and nowhere else')
    const first = await finalizeTask(s, 't1')
    await stop(s)
    fs.renameSync(keyFile, path.join(keyDir, 'retired.pem.bak'))
    s = await start({ recordKeyFile: keyFile })
    const keys = (await api(s, s.leadToken, 'GET', '/api/records/key')).body
    assert.is(keys.keys.length, 2, 'the new key and the retired one')
    assert.is.not(keys.current, first.key_id)
    assert.ok(keys.keys.some((k: any) => k.key_id === first.key_id))
    const second = await finalizeTask(s, 't2')
    assert.is(second.key_id, keys.current)
    const exported = await exportNative(s)
    assert.is(exported.status, 200, exported.text)
    assert.equal(rows(exported.text).map((r) => [r.task_id, r.key_id]), [['t1', first.key_id], ['t2', second.key_id]])
    // A public key nobody kept any more: records it signed are refused, loudly.
    await stop(s)
    fs.rmSync(path.join(keyDir, `${first.key_id}.pub.pem`))
    s = await start({ recordKeyFile: keyFile })
    const refused = await api(s, s.leadToken, 'GET', '/api/export?format=native')
    assert.is(refused.status, 500)
    assert.match(refused.body.error, new RegExp(`t1 revision 1 fails its integrity check: it is signed by an unknown key \\(${first.key_id}\\)`))
  } finally {
    fs.rmSync(keyDir, { recursive: true, force: true })
  }
})

/** Turns a data directory's records back into what a server before signing left: unsigned, no commit lines. */
function makeUnsigned(ids: string[]): void {
  fs.rmSync(path.join(dataDir, 'records', '.signed-upgrade-done'))
  stripRecords(ids)
}

/** Strips the signature and envelope from records and every commit field from the audit log. */
function stripRecords(ids: string[]): void {
  for (const id of ids) {
    const file = path.join(dataDir, 'records', id, '1.json')
    const { signature: _s, key_id: _k, seq: _q, ...record } = JSON.parse(fs.readFileSync(file, 'utf8'))
    fs.writeFileSync(file, JSON.stringify(record) + '\n')
  }
  const auditDir = path.join(dataDir, 'audit')
  for (const name of fs.readdirSync(auditDir)) {
    const file = path.join(auditDir, name)
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
      const { record_hash: _h, seq: _q, ...entry } = JSON.parse(l)
      return ids.includes(entry.task) ? JSON.stringify(entry) : l
    })
    fs.writeFileSync(file, lines.join('\n') + '\n')
  }
}

test('signs a record from before signing once at start-up after checking its hash, and refuses one that fails it', async () => {
  let s = await start()
  await finalizeTask(s, 't1')
  await finalizeTask(s, 't2')
  await stop(s)
  makeUnsigned(['t1', 't2'])
  s = await start()
  const exported = await exportNative(s)
  assert.is(exported.status, 200, exported.text)
  const signed = rows(exported.text)
  assert.equal(signed.map((r) => [r.task_id, typeof r.signature, r.key_id, r.seq]), [
    ['t1', 'string', signed[0].key_id, 1],
    ['t2', 'string', signed[0].key_id, 2],
  ])
  const audit = fs.readdirSync(path.join(dataDir, 'audit')).flatMap((n) => rows(fs.readFileSync(path.join(dataDir, 'audit', n), 'utf8')))
  assert.equal(audit.filter((e) => e.action === 'sign-record').map((e) => [e.task, e.by, e.seq]), [['t1', 'server', 1], ['t2', 'server', 2]])
  await stop(s)
  const bytes = fs.readFileSync(path.join(dataDir, 'records', 't1', '1.json'), 'utf8')
  s = await start()
  assert.is(fs.readFileSync(path.join(dataDir, 'records', 't1', '1.json'), 'utf8'), bytes, 'signed once: a second start leaves it alone')
  assert.is((await exportNative(s)).status, 200)
  await stop(s)
  // An unsigned record altered before the upgrade is never signed, and every export refuses it.
  makeUnsigned(['t1', 't2'])
  const file = path.join(dataDir, 'records', 't2', '1.json')
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"ranking":["b","a","c"]', '"ranking":["a","b","c"]'))
  s = await start()
  const refused = await api(s, s.leadToken, 'GET', '/api/export?format=native')
  assert.is(refused.status, 500)
  assert.match(refused.body.error, /t2 revision 1 fails its integrity check: record_hash does not match its content, so it was not signed/)
  assert.is(s.running.deps.records.read('t1', 1)!.key_id.length, 16, 'control: the intact one beside it was signed')
  assert.not.match(fs.readFileSync(file, 'utf8'), /"signature"/)
})

test('never signs a record whose audit line is gone once the upgrade has run: that is a forgery, not an old record', async () => {
  let s = await start()
  await finalizeTask(s, 't1')
  await finalizeTask(s, 't2')
  await stop(s)
  // A forger with the data directory but not the key: edit t1, re-hash it, strip its signature
  // and the audit lines that would contradict it, hoping the start-up upgrade signs it.
  stripRecords(['t1'])
  const file = path.join(dataDir, 'records', 't1', '1.json')
  const { record_hash: _h, ...body } = JSON.parse(fs.readFileSync(file, 'utf8'))
  body.ranking = [...body.ranking].reverse()
  const { canonicalJson } = await import('../shared/record')
  const crypto = await import('node:crypto')
  fs.writeFileSync(file, JSON.stringify({ ...body, record_hash: crypto.createHash('sha256').update(canonicalJson(body)).digest('hex') }) + '\n')
  s = await start()
  const refused = await api(s, s.leadToken, 'GET', '/api/export?format=native')
  assert.is(refused.status, 500)
  assert.match(refused.body.error, /t1 revision 1 fails its integrity check: no audit line commits it/)
  assert.not.match(fs.readFileSync(file, 'utf8'), /"signature"/, 'it was not signed')
  assert.throws(() => s.running.deps.records.read('t1', 1), /no audit line commits it/)
  assert.is(s.running.deps.records.read('t2', 1)!.task_id, 't2', 'control: the untouched record beside it reads')
})

test.run()
