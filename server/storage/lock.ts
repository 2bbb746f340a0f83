/** The DATA_DIR lock: one process owns a data directory; a second one is refused, never let in. */
import fs from 'node:fs'
import path from 'node:path'
import { ensureDir, writeAllSync } from './durableFile'
import { toStorageError } from './storageError'

export const LOCK_FILE = 'codejury.lock'

/** Thrown when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `${dataDir} is in use by another codejury process (pid ${pid}). ` +
        'Stop it first, or start this one with another DATA_DIR.',
    )
    this.name = 'DataDirLockedError'
  }
}

/**
 * Whether `pid` is a live process that could be a codejury server. `kill(pid, 0)` alone is not
 * enough: it succeeds on a zombie (a killed server whose parent has not reaped it yet) and on an
 * unrelated process that reused the pid after a reboot. Where /proc exists, both count as dead.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    if (state === 'Z' || state === 'X') return false
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return /node/.test(cmdline)
  } catch {
    return true // no /proc: trust kill(pid, 0)
  }
}

/**
 * Takes the lock, or throws DataDirLockedError. A lock left by a dead process (kill -9) is taken
 * over. The lock file is created with O_EXCL so two starting processes cannot both win.
 */
export function acquireLock(dataDir: string): { release(): void } {
  ensureDir(dataDir)
  const file = path.join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600)
      try {
        writeAllSync(fd, Buffer.from(String(process.pid)))
      } catch (err) {
        // A full disk: an empty lock would read as stale to the next process, so remove it.
        fs.rmSync(file, { force: true })
        throw toStorageError(err, file)
      } finally {
        fs.closeSync(fd)
      }
      let released = false
      return {
        release() {
          if (released) return
          released = true
          try {
            if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file)
          } catch {
            // already gone
          }
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number(fs.readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DataDirLockedError(dataDir, pid)
      }
      if (pid === process.pid) throw new DataDirLockedError(dataDir, pid)
      fs.rmSync(file, { force: true }) // stale: its owner died without releasing it
    }
  }
  throw new Error(`could not take the lock on ${dataDir}`)
}
