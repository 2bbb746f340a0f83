import { suite } from 'uvu'
import { waitFor } from './helpers/waitFor'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { acquireLock, DataDirLockedError, LOCK_FILE } from '../server/storage/lock'
import { tempDir } from './helpers/server'

const test = suite('data directory lock')
let dir = ''
test.before.each(() => {
  dir = tempDir('codejury-lock-')
})
test.after.each(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

test('refuses a second owner while the first holds the lock', () => {
  const lock = acquireLock(dir)
  try {
    assert.throws(() => acquireLock(dir), (err: unknown) => err instanceof DataDirLockedError)
  } finally {
    lock.release()
  }
  acquireLock(dir).release()
})

test('takes over a lock whose owner is a zombie or a process that is not node', async () => {
  // A process that is not node: `sleep`.
  const sleeper = spawn('sleep', ['30'])
  fs.writeFileSync(path.join(dir, LOCK_FILE), String(sleeper.pid))
  try {
    acquireLock(dir).release()
  } finally {
    sleeper.kill('SIGKILL')
  }
  // A zombie: `sh` starts node in the background and execs into `sleep`, which never reaps it.
  const parent = spawn('sh', ['-c', `${process.execPath} -e 0 & echo $!; exec sleep 30`])
  try {
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d) => resolve(Number(String(d).trim()))))
    // Wait for it to exit (a busy machine may take seconds to start node), never a fixed sleep.
    await waitFor(() => /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')), 'the child to become a zombie', 20_000)
    process.kill(pid, 0) // still "exists": kill(0) alone would call the lock taken
    fs.writeFileSync(path.join(dir, LOCK_FILE), String(pid))
    acquireLock(dir).release()
    assert.not.ok(fs.existsSync(path.join(dir, LOCK_FILE)))
  } finally {
    parent.kill('SIGKILL')
  }
})

test.run()
