/**
 * The one atomic whole-file writer under DATA_DIR: temporary file, fsync, rename, directory
 * fsync; 0600; the old file intact when it fails. The sessions file is written through it too.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { replaceFile, replaceFileSync } from '../server/storage/durableFile'
import { StorageError } from '../server/storage/storageError'
import { SessionStore } from '../server/storage/sessions'

const test = suite('durableFile')
let dir = ''

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cj-durable-'))
})
test.after.each(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

/**
 * Records the path of every descriptor fsynced while `fn` runs, by watching the real `fs` calls
 * (the writes still happen). Restored afterwards, whatever `fn` does.
 */
async function fsyncedPaths(fn: () => unknown): Promise<string[]> {
  const openSync = fs.openSync
  const fsyncSync = fs.fsyncSync
  const open = fs.promises.open
  const byFd = new Map<number, string>()
  const synced: string[] = []
  fs.openSync = ((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (openSync as (...a: unknown[]) => number)(p, ...rest)
    byFd.set(fd, String(p))
    return fd
  }) as typeof fs.openSync
  fs.fsyncSync = (fd: number) => {
    synced.push(byFd.get(fd) ?? `fd ${fd}`)
    fsyncSync(fd)
  }
  fs.promises.open = (async (p: fs.PathLike, ...rest: unknown[]) => {
    const handle = await (open as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(p, ...rest)
    const sync = handle.sync.bind(handle)
    handle.sync = async () => {
      synced.push(String(p))
      await sync()
    }
    return handle
  }) as typeof fs.promises.open
  try {
    await fn()
  } finally {
    fs.openSync = openSync
    fs.fsyncSync = fsyncSync
    fs.promises.open = open
  }
  return synced
}

for (const [name, write] of [
  ['replaceFileSync', async (f: string, d: string) => replaceFileSync(f, d)],
  ['replaceFile', (f: string, d: string) => replaceFile(f, d)],
] as const) {
  test(`${name} replaces a file whole with mode 0600, fsyncing the temporary file and then the directory`, async () => {
    const file = path.join(dir, 'users.json')
    fs.writeFileSync(file, 'old', { mode: 0o644 })
    const synced = await fsyncedPaths(() => write(file, 'new'))
    assert.is(fs.readFileSync(file, 'utf8'), 'new')
    assert.is(fs.statSync(file).mode & 0o777, 0o600)
    assert.equal(fs.readdirSync(dir), ['users.json'])
    assert.equal(synced, [`${file}.tmp`, dir])
  })

  test(`${name} leaves the old file and no temporary file behind when the rename fails`, async () => {
    // control: a plain file is replaced
    const ok = path.join(dir, 'ok.json')
    await write(ok, '1')
    assert.is(fs.readFileSync(ok, 'utf8'), '1')
    // a non-empty directory cannot be renamed over
    const blocked = path.join(dir, 'blocked')
    fs.mkdirSync(blocked)
    fs.writeFileSync(path.join(blocked, 'keep'), 'kept')
    let thrown: unknown = null
    try {
      await write(blocked, 'lost')
    } catch (err) {
      thrown = err
    }
    assert.instance(thrown, StorageError)
    assert.is((thrown as StorageError).file, blocked)
    assert.is(fs.readFileSync(path.join(blocked, 'keep'), 'utf8'), 'kept')
    assert.equal(fs.readdirSync(dir).sort(), ['blocked', 'ok.json'])
  })
}

test('a session change reaches disk through the same writer, directory fsync included', async () => {
  const store = await SessionStore.open(dir, { ttlMs: 60_000 })
  const file = path.join(dir, 'sessions.json')
  const synced = await fsyncedPaths(() => store.create('u1', 'h1'))
  assert.equal(synced, [`${file}.tmp`, dir])
  assert.is(fs.statSync(file).mode & 0o777, 0o600)
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { sessions: { userId: string }[] }
  assert.equal(stored.sessions.map((s) => s.userId), ['u1'])
  assert.not.ok(fs.existsSync(`${file}.tmp`))
})

test.run()
