import { suite } from 'uvu'
import { waitFor } from './helpers/waitFor'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { acquireLock, bootId, DataDirLockedError, encodeLockOwner, LOCK_FILE, processStartTicks } from '../server/storage/lock'
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

const lockFile = () => path.join(dir, LOCK_FILE)
const refused = (what: string) =>
  assert.throws(() => acquireLock(dir), (err: unknown) => err instanceof DataDirLockedError, what)

test('takes over a lock an earlier process left with our own pid or with PID 1, and refuses our live one', () => {
  const mine = processStartTicks(process.pid)
  assert.ok(mine, 'this machine has /proc')
  const earlier = String(Number(mine) - 1)
  // As a restarted container's server finds it: its own pid, written by the process before it.
  fs.writeFileSync(lockFile(), encodeLockOwner({ pid: process.pid, startTicks: earlier, bootId: bootId() }))
  const taken = acquireLock(dir)
  // Control: the lock we hold now, with our real start time, is refused.
  refused('our own live lock')
  taken.release()
  // A previous PID 1 (PID 1 is alive here, but started at another time).
  const one = processStartTicks(1)!
  fs.writeFileSync(lockFile(), encodeLockOwner({ pid: 1, startTicks: String(Number(one) + 7), bootId: bootId() }))
  acquireLock(dir).release()
  // The previous format, a bare pid, naming us: an earlier process wrote it.
  fs.writeFileSync(lockFile(), String(process.pid))
  acquireLock(dir).release()
  assert.not.ok(fs.existsSync(lockFile()))
})

test("refuses a live node process's lock, and takes it over when its start time or boot differs", async () => {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'])
  try {
    const pid = other.pid!
    const ticks = processStartTicks(pid)!
    assert.ok(ticks)
    await waitFor(() => /node/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')), 'the child to run node')
    fs.writeFileSync(lockFile(), encodeLockOwner({ pid, startTicks: ticks, bootId: bootId() }))
    refused('a live process with its own start time')
    fs.writeFileSync(lockFile(), String(pid))
    refused('a live node process in the previous format')
    fs.writeFileSync(lockFile(), encodeLockOwner({ pid, startTicks: String(Number(ticks) + 1), bootId: bootId() }))
    acquireLock(dir).release()
    fs.writeFileSync(lockFile(), encodeLockOwner({ pid, startTicks: ticks, bootId: '00000000-0000-4000-8000-000000000000' }))
    acquireLock(dir).release()
  } finally {
    other.kill('SIGKILL')
  }
})

// The real case: a server that is PID 1 in its own PID namespace dies holding the lock, and the
// next one, PID 1 again, starts. Needs unshare(1) and the right to make namespaces (root).
const canUnshare = spawnSync('unshare', ['-fp', '--mount-proc', 'true']).status === 0
test('lets a new PID 1 take the lock a killed PID 1 left, while a live PID 1 is still refused', () => {
  if (!canUnshare) {
    console.warn('skipped: cannot make a PID namespace here (unshare -fp needs root)')
    return
  }
  const asPid1 = (probe = false) => {
    const run = spawnSync('unshare', ['-fp', '--mount-proc', process.execPath, '--import', 'tsx', 'tests/helpers/lockHolder.ts'], {
      env: { ...process.env, LOCK_DIR: dir, LOCK_PROBE: probe ? '1' : '0' },
      encoding: 'utf8',
      timeout: 60_000,
    })
    assert.is(run.status, 0, run.stderr)
    return run.stdout.trim()
  }
  assert.is(asPid1(), 'pid 1')
  assert.match(fs.readFileSync(lockFile(), 'utf8'), /"pid":1,/, 'the first PID 1 died holding the lock')
  // The next PID 1 starts; control: while it lives, a second process in its namespace is refused.
  const next = asPid1(true).split('\n')
  assert.is(next[0], 'pid 1', 'the next PID 1 takes the lock over')
  assert.match(next[1], /^probe: locked .*in use by another codejury process \(pid 1\)/)
})

test.run()
