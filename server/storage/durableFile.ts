/** Durable file primitives: whole writes, atomic replaces, directory fsyncs, and owner-only modes. */
import fs from 'node:fs'
import path from 'node:path'
import { toStorageError } from './storageError'

/** Every file under DATA_DIR: readable and writable by the server's user only. */
export const FILE_MODE = 0o600
/** Every directory under DATA_DIR, DATA_DIR included. */
export const DIR_MODE = 0o700

/** Creates `dir` (and its parents) owner-only; an existing directory is left as it is. */
export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE })
}

/**
 * Makes a directory's entries (renames, creations, removals) durable. Without it a rename that
 * returned can still be undone by a power cut, leaving the old file or none.
 */
export function fsyncDir(dir: string): void {
  let fd: number | null = null
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch (err) {
    // Some filesystems refuse fsync on a directory (EINVAL); nothing more can be done there.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw toStorageError(err, dir)
  } finally {
    if (fd !== null) fs.closeSync(fd)
  }
}

/**
 * Writes all of `bytes` at the descriptor's position, looping over short writes. A full disk
 * either throws at once or returns a short count first and throws on the next call; the caller
 * cuts the file back, because a thrown write may have left part of `bytes` behind.
 */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let done = 0
  while (done < bytes.length) {
    const n = fs.writeSync(fd, bytes, done, bytes.length - done)
    if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' })
    done += n
  }
}

/**
 * Writes a new file completely and fsyncs it, or removes what it wrote and throws a StorageError
 * (a partial file holds space a full disk needs): the first half of an atomic replace, for
 * callers that rename or link it themselves.
 */
export function writeDurableSync(file: string, data: Uint8Array | string): void {
  let fd: number | null = null
  try {
    fd = fs.openSync(file, 'w', FILE_MODE)
    writeAllSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
    fs.fsyncSync(fd)
    fs.closeSync(fd)
    fd = null
  } catch (err) {
    if (fd !== null) fs.closeSync(fd)
    fs.rmSync(file, { force: true })
    throw toStorageError(err, file)
  }
}

/** The async form of `writeDurableSync`, for writes that should not block the event loop. */
export async function writeDurable(file: string, data: Uint8Array | string): Promise<void> {
  let handle: fs.promises.FileHandle | null = null
  try {
    handle = await fs.promises.open(file, 'w', FILE_MODE)
    await handle.writeFile(data)
    await handle.sync()
    await handle.close()
    handle = null
  } catch (err) {
    if (handle) await handle.close().catch(() => {})
    await fs.promises.rm(file, { force: true })
    throw toStorageError(err, file)
  }
}

/**
 * Replaces `file` with `data` or leaves it untouched: a temporary file beside it (mode 0600) is
 * written and fsynced, renamed over `file`, and the directory is fsynced so the rename survives a
 * power cut. On failure the temporary file is removed and a StorageError is thrown. This is the
 * one way a whole file under DATA_DIR is rewritten; callers serialize writes to one file.
 */
export function replaceFileSync(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.tmp`
  writeDurableSync(tmp, data)
  try {
    fs.renameSync(tmp, file)
  } catch (err) {
    fs.rmSync(tmp, { force: true })
    throw toStorageError(err, file)
  }
  fsyncDir(path.dirname(file))
}

/** The async form of `replaceFileSync`, for writes that should not block the event loop. */
export async function replaceFile(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp`
  await writeDurable(tmp, data)
  try {
    await fs.promises.rename(tmp, file)
  } catch (err) {
    await fs.promises.rm(tmp, { force: true })
    throw toStorageError(err, file)
  }
  fsyncDir(path.dirname(file))
}

/**
 * Creates `file` with `data` only if it does not exist yet, whole or not at all: a temporary file
 * is written and fsynced, then hard-linked to the name (a link fails on an existing name, so an
 * immutable file is never overwritten, not even by a racing writer). Returns false when the file
 * already existed; throws a StorageError when the write failed.
 */
export function createFileOnceSync(file: string, data: Uint8Array | string): boolean {
  ensureDir(path.dirname(file))
  const tmp = `${file}.${process.pid}.tmp`
  try {
    writeDurableSync(tmp, data)
    fs.linkSync(tmp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw toStorageError(err, file)
  } finally {
    fs.rmSync(tmp, { force: true })
  }
  fsyncDir(path.dirname(file))
  return true
}

/**
 * Appends `bytes` to `file` whole and fsyncs it, or cuts the file back to its previous length and
 * throws a StorageError: a failed append never leaves part of a record behind.
 */
export function appendWholeSync(file: string, bytes: Uint8Array): void {
  let fd: number | null = null
  let before = -1
  try {
    fd = fs.openSync(file, 'a', FILE_MODE)
    before = fs.fstatSync(fd).size
    writeAllSync(fd, bytes)
    fs.fsyncSync(fd)
  } catch (err) {
    if (fd !== null && before >= 0) {
      try {
        fs.ftruncateSync(fd, before)
      } catch {
        // a reader still stops at the torn record and keeps it aside; nothing follows it
      }
    }
    throw toStorageError(err, file)
  } finally {
    if (fd !== null) fs.closeSync(fd)
  }
}

/**
 * Renames `file` to `<file>.<label>-<UTC time>` (never over an existing file) and returns the new
 * path: evidence is moved aside byte for byte, never truncated or overwritten.
 */
export function moveAside(file: string, label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  for (let n = 0; ; n++) {
    const target = `${file}.${label}-${stamp}${n ? `-${n}` : ''}`
    if (fs.existsSync(target)) continue
    fs.renameSync(file, target)
    fsyncDir(path.dirname(file))
    return target
  }
}
