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
 * Who holds a lock. A pid alone is not an identity: in a container the server is PID 1 on every
 * start, and after a reboot any pid may be reused. The process's start time (clock ticks since
 * boot, /proc/<pid>/stat field 22) and the boot id together name one process exactly.
 */
export interface LockOwner {
  pid: number
  /** Field 22 of /proc/<pid>/stat, or null where there is no /proc. */
  startTicks: string | null
  /** /proc/sys/kernel/random/boot_id, or null where there is none. */
  bootId: string | null
}

/** The start time of `pid` in clock ticks since boot, or null (no such process, or no /proc). */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = fields[22 - 3]
    return ticks && /^\d+$/.test(ticks) ? ticks : null
  } catch {
    return null
  }
}

/** This boot's id, or null where the kernel gives none. */
export function bootId(): string | null {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null
  } catch {
    return null
  }
}

/** This process as a lock owner. */
export function currentOwner(): LockOwner {
  return { pid: process.pid, startTicks: processStartTicks(process.pid), bootId: bootId() }
}

/** The lock file's text: `{"pid":…,"startTicks":…,"bootId":…}`. */
export function encodeLockOwner(owner: LockOwner): string {
  return JSON.stringify({ pid: owner.pid, startTicks: owner.startTicks, bootId: owner.bootId })
}

/**
 * Reads a lock file's text; null when it names no pid. The previous format, a bare pid, reads as
 * an owner whose start time and boot are unknown.
 */
export function decodeLockOwner(text: string): LockOwner | null {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), startTicks: null, bootId: null }
  try {
    const v: unknown = JSON.parse(trimmed)
    if (!v || typeof v !== 'object') return null
    const { pid, startTicks, bootId } = v as Record<string, unknown>
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return null
    const str = (x: unknown) => (typeof x === 'string' && x ? x : null)
    return { pid: pid as number, startTicks: str(startTicks), bootId: str(bootId) }
  } catch {
    return null
  }
}

/** The state letter of `pid` (R, S, Z…), or null where /proc cannot tell. */
function processState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  } catch {
    return null
  }
}

/**
 * Whether `pid`, known by pid alone, is a live process that could be a codejury server.
 * `kill(pid, 0)` alone is not enough: it succeeds on a zombie (a killed server whose parent has
 * not reaped it yet) and on an unrelated process that reused the pid. Where /proc exists, both
 * count as dead.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  const state = processState(pid)
  if (state === null) return true // no /proc: trust kill(pid, 0)
  if (state === 'Z' || state === 'X') return false
  try {
    return /node/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))
  } catch {
    return true
  }
}

/**
 * Whether the process that wrote `owner` still runs. A lock from another boot, or naming a pid
 * whose process started at another time, was left by a process that is gone, even when the pid
 * is alive now (our own, in a container). The same pid and start time are the same process,
 * whatever its command line says. Only where neither can be compared does the pid decide.
 */
function ownerAlive(owner: LockOwner, me: LockOwner): boolean {
  if (owner.bootId && me.bootId && owner.bootId !== me.bootId) return false
  if (owner.startTicks) {
    const now = processStartTicks(owner.pid)
    if (now !== null) return now === owner.startTicks && !['Z', 'X'].includes(processState(owner.pid) ?? '')
  }
  // A lock in the old format (a bare pid) naming us was written by an earlier process, since we
  // write the new one; without /proc, our own pid is all we can compare.
  if (owner.pid === me.pid) return me.startTicks === null
  return alive(owner.pid)
}

/**
 * Takes the lock, or throws DataDirLockedError. A lock left by a dead process (kill -9) is taken
 * over, also when its pid now belongs to someone else. The lock file is created with O_EXCL so
 * two starting processes cannot both win.
 */
export function acquireLock(dataDir: string): { release(): void } {
  ensureDir(dataDir)
  const file = path.join(dataDir, LOCK_FILE)
  const me = currentOwner()
  const text = encodeLockOwner(me)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600)
      try {
        writeAllSync(fd, Buffer.from(text))
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
            if (fs.readFileSync(file, 'utf8') === text) fs.unlinkSync(file)
          } catch {
            // already gone
          }
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = decodeLockOwner(fs.readFileSync(file, 'utf8'))
      if (owner && ownerAlive(owner, me)) throw new DataDirLockedError(dataDir, owner.pid)
      fs.rmSync(file, { force: true }) // stale: its owner died without releasing it
    }
  }
  throw new Error(`could not take the lock on ${dataDir}`)
}
