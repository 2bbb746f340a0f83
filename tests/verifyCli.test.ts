/** `codejury verify`: a native export checked offline against a public key the user trusts. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { runCliCaptured } from './helpers/cli'
import { canonicalJson } from '../shared/record'
import { roomName } from '../shared/roomNames'
import { api, importTasks, taskLine, tempDir } from './helpers/server'
import { act, completeWorkspace, syncedPeer } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('verify cli')
const fx = serverPerTest(test)
let dir = ''
test.before.each(() => {
  dir = tempDir('codejury-verify-')
})
test.after.each(() => fs.rmSync(dir, { recursive: true, force: true }))

const cli = (argv: string[]) => runCliCaptured(argv, { cwd: dir })

/** Two finalized tasks exported natively to `export.jsonl`; the server's keys saved as JSON and PEM. */
async function exportTwo() {
  for (const id of ['t1', 't2']) {
    await importTasks(fx.server, taskLine(id))
    const lead = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
    await completeWorkspace(fx.server, lead, id)
    assert.is((await act(fx.server, fx.server.leadToken, id, 'finalize')).status, 200)
  }
  const res = await fetch(`${fx.server.url}/api/export?format=native`, { headers: { authorization: `Bearer ${fx.server.leadToken}` } })
  assert.is(res.status, 200)
  fs.writeFileSync(path.join(dir, 'export.jsonl'), await res.text())
  const keys = await api(fx.server, fx.server.leadToken, 'GET', '/api/records/key')
  fs.writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(keys.body))
  fs.writeFileSync(path.join(dir, 'key.pem'), keys.body.keys[0].public_key)
}

test('passes a real native export against the server’s published key, as PEM or as the key route’s JSON', async () => {
  await exportTwo()
  for (const key of ['key.pem', 'keys.json']) {
    const r = await cli(['verify', 'export.jsonl', '--key', key])
    assert.is(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /^ok {4}t1 revision 1 seq \d+$/m)
    assert.match(r.stdout, /^ok {4}t2 revision 1 seq \d+$/m)
    assert.match(r.stdout, /2 records: 2 verified, 0 failed/)
  }
})

test('fails a forged record, a record signed by a key nobody trusts, and a missing key option', async () => {
  await exportTwo()
  const lines = fs.readFileSync(path.join(dir, 'export.jsonl'), 'utf8').trim().split('\n')
  const row = JSON.parse(lines[0])
  const { record_hash: _h, signature, key_id, seq, ...body } = row
  body.ranking = [...body.ranking].reverse()
  const forged = { ...body, record_hash: crypto.createHash('sha256').update(canonicalJson(body)).digest('hex'), signature, key_id, seq }
  fs.writeFileSync(path.join(dir, 'forged.jsonl'), [JSON.stringify(forged), lines[1]].join('\n') + '\n')
  const r = await cli(['verify', 'forged.jsonl', '--key', 'key.pem'])
  assert.is(r.code, 1, r.stdout)
  assert.match(r.stdout, /^FAIL {2}line 1: t1 revision 1 seq \d+: its signature does not verify$/m)
  assert.match(r.stdout, /^ok {4}t2 revision 1/m, 'control: the untouched record in the same file verifies')
  // A forger who signs with a key of their own and names it: not a key the reader trusts.
  const mine = crypto.generateKeyPairSync('ed25519')
  const mineId = crypto.createHash('sha256').update(mine.publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)
  const selfSigned = { ...forged, key_id: mineId, signature: crypto.sign(null, Buffer.from(forged.record_hash), mine.privateKey).toString('base64') }
  fs.writeFileSync(path.join(dir, 'self.jsonl'), JSON.stringify(selfSigned) + '\n')
  const s = await cli(['verify', 'self.jsonl', '--key', 'key.pem'])
  assert.is(s.code, 1)
  assert.match(s.stdout, /which is not among the trusted keys/)
  fs.writeFileSync(path.join(dir, 'mine.pem'), mine.publicKey.export({ type: 'spki', format: 'pem' }) as string)
  const trusted = await cli(['verify', 'self.jsonl', '--key', 'mine.pem'])
  assert.is(trusted.code, 0, 'control: the same row verifies against the key that made it, when the reader trusts it')
  const usage = await cli(['verify', 'export.jsonl'])
  assert.is(usage.code, 2)
  assert.match(usage.stderr, /--key PUBLIC_KEY_FILE is required/)
})

test.run()
