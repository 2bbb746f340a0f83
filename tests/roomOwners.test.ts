/** The client-id owner record on disk: kept across reopenings, 0600, and a corrupt one moved aside. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { OwnerFile } from '../server/storage/ownerFile'
import { ClientOwners } from '../server/sync/clientOwners'
import { tempDir } from './helpers/server'

const test = suite('room owners')
let dir = ''
test.before.each(() => {
  dir = tempDir()
})
test.after.each(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

test('keeps the first writer of each client id across reopenings, in a 0600 file', () => {
  const owners = new ClientOwners(new OwnerFile(path.join(dir, 't1'), 'workspace'))
  owners.claim([11, 12], 'ann')
  owners.claim([12, 13], 'bob') // 12 is ann's already
  const again = new ClientOwners(new OwnerFile(path.join(dir, 't1'), 'workspace'))
  assert.is(again.ownerOf(11), 'ann')
  assert.is(again.ownerOf(12), 'ann')
  assert.is(again.ownerOf(13), 'bob')
  assert.ok(again.mayWrite(13, 'bob') && !again.mayWrite(13, 'ann') && again.mayWrite(99, 'ann'))
  assert.is(fs.statSync(path.join(dir, 't1', 'workspace.owners.jsonl')).mode & 0o777, 0o600)
  const lines = fs.readFileSync(path.join(dir, 't1', 'workspace.owners.jsonl'), 'utf8').trim().split('\n')
  assert.equal(lines, ['[11,"ann"]', '[12,"ann"]', '[13,"bob"]'], 'one appended line per claim, none rewritten')
})

test('cuts a torn last line back and keeps the whole ones, and reads the previous format too', () => {
  fs.mkdirSync(path.join(dir, 't1'))
  fs.writeFileSync(path.join(dir, 't1', 'workspace.owners.json'), '{"7": "old"}')
  const file = path.join(dir, 't1', 'workspace.owners.jsonl')
  fs.writeFileSync(file, '[11,"ann"]\n[12,"an')
  const owners = new ClientOwners(new OwnerFile(path.join(dir, 't1'), 'workspace'))
  assert.is(owners.ownerOf(7), 'old', 'the previous format is read')
  assert.is(owners.ownerOf(11), 'ann')
  assert.is(owners.ownerOf(12), undefined, 'the torn claim is not one')
  assert.is(fs.readFileSync(file, 'utf8'), '[11,"ann"]\n', 'cut back to the whole line')
  owners.claim([12], 'bob')
  assert.is(new ClientOwners(new OwnerFile(path.join(dir, 't1'), 'workspace')).ownerOf(12), 'bob', 'the next append is whole')
})

test('refuses a claim it could not append and records nothing of it', () => {
  const store = new OwnerFile(path.join(dir, 't1'), 'workspace')
  const owners = new ClientOwners(store)
  owners.claim([1], 'ann')
  const file = path.join(dir, 't1', 'workspace.owners.jsonl')
  fs.rmSync(file)
  fs.mkdirSync(file) // appending to a directory fails, as a full disk would (root ignores file modes)
  assert.throws(() => owners.claim([2], 'bob'))
  assert.is(owners.ownerOf(2), undefined, 'not claimed in memory either')
  assert.is(owners.ownerOf(1), 'ann', 'control: the earlier claim stands')
})

test('moves a record that does not parse aside, byte for byte, and starts with no owners', () => {
  fs.mkdirSync(path.join(dir, 't1'))
  const file = path.join(dir, 't1', 'workspace.owners.jsonl')
  fs.writeFileSync(file, '{"11": "ann", }\n[5,"x"]\n')
  const reported: string[] = []
  const owners = new ClientOwners(new OwnerFile(path.join(dir, 't1'), 'workspace', (f) => reported.push(f)))
  assert.is(owners.size, 0)
  assert.is(reported.length, 1)
  assert.is(fs.readFileSync(reported[0], 'utf8'), '{"11": "ann", }\n[5,"x"]\n')
  assert.not.ok(fs.existsSync(file))
  owners.claim([5], 'bob')
  assert.is(new ClientOwners(new OwnerFile(path.join(dir, 't1'), 'workspace')).ownerOf(5), 'bob')
})

test.run()
