/**
 * Takes the DATA_DIR lock of `LOCK_DIR` and exits without releasing it, as a server killed with
 * kill -9 leaves it; prints `pid <n>` (or `locked <message>` when refused). Run it in a PID
 * namespace to be PID 1, as a server in a container is on every start. With `LOCK_PROBE=1` it
 * also runs a second copy of itself while it holds the lock and prints that one's line after
 * `probe:`, so a live PID 1's lock is tried from inside its own namespace.
 */
import { spawnSync } from 'node:child_process'
import { acquireLock, DataDirLockedError } from '../../server/storage/lock'

try {
  acquireLock(process.env.LOCK_DIR!)
  process.stdout.write(`pid ${process.pid}\n`)
  if (process.env.LOCK_PROBE === '1') {
    const probe = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename], {
      env: { ...process.env, LOCK_PROBE: '0' },
      encoding: 'utf8',
    })
    process.stdout.write(`probe: ${probe.stdout.trim()}\n`)
  }
} catch (err) {
  if (!(err instanceof DataDirLockedError)) throw err
  process.stdout.write(`locked ${err.message}\n`)
}
