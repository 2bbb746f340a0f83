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
  assert.is(fs.statSync(path.join(dir, 't1', 'workspace.owners.json')).mode & 0o777, 0o600)
})

test('moves a record that does not parse aside, byte for byte, and starts with no owners', () => {
  fs.mkdirSync(path.join(dir, 't1'))
  const file = path.join(dir, 't1', 'workspace.owners.json')
  fs.writeFileSync(file, '{"11": "ann", ')
  const reported: string[] = []
  const owners = new ClientOwners(new OwnerFile(path.join(dir, 't1'), 'workspace', (f) => reported.push(f)))
  assert.is(owners.size, 0)
  assert.is(reported.length, 1)
  assert.is(fs.readFileSync(reported[0], 'utf8'), '{"11": "ann", ')
  assert.not.ok(fs.existsSync(file))
  owners.claim([5], 'bob')
  assert.is(new ClientOwners(new OwnerFile(path.join(dir, 't1'), 'workspace')).ownerOf(5), 'bob')
})

test.run()
