/** The review record store: immutable files, verified on every read, even after a first good read. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { RecordIntegrityError, RecordStore } from '../server/storage/records'
import { makeRecord } from './helpers/makeRecord'
import { tempDir } from './helpers/server'

const test = suite('record store')
let dir = ''
test.before.each(() => {
  dir = tempDir('codejury-recordstore-')
})
test.after.each(() => fs.rmSync(dir, { recursive: true, force: true }))

test('refuses a record altered on disk after it was read and verified once', () => {
  const store = new RecordStore(dir)
  const good = makeRecord({ taskId: 't1' })
  const other = makeRecord({ taskId: 't2' })
  assert.ok(store.create(good))
  assert.ok(store.create(other))
  assert.equal(store.read('t1', 1), good, 'the first read verifies it')
  assert.equal(store.read('t1', 1), good, 'a second read of the same bytes')
  const file = path.join(dir, 'records', 't1', '1.json')
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Because.', 'Because!'))
  assert.throws(() => store.read('t1', 1), (err: unknown) => err instanceof RecordIntegrityError)
  assert.equal(store.read('t2', 1), other, 'an untouched record still reads')
})

test.run()
