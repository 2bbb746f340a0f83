/** Writing a small file whole or not at all: a temp file, fsync, then rename (or link, to never overwrite). */
import fs from 'node:fs'
import path from 'node:path'

/** Owner-only: records and logs hold people's work and names. */
export const PRIVATE_FILE_MODE = 0o600

function writeTemp(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`)
  const fd = fs.openSync(tmp, 'wx', PRIVATE_FILE_MODE)
  try {
    fs.writeFileSync(fd, text)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  return tmp
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r')
    try {
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    // some filesystems cannot fsync a directory; the rename is still atomic
  }
}

/** Replaces `file` with `text` atomically: readers see the old file or the new one, never a torn one. */
export function replaceFile(file: string, text: string): void {
  const tmp = writeTemp(file, text)
  try {
    fs.renameSync(tmp, file)
  } catch (err) {
    fs.rmSync(tmp, { force: true })
    throw err
  }
  syncDir(path.dirname(file))
}

/**
 * Creates `file` with `text` atomically and only if it does not exist yet (a hard link fails
 * on an existing name): an immutable file is never overwritten, not even by a racing writer.
 * Returns false when the file already existed.
 */
export function createFileOnce(file: string, text: string): boolean {
  const tmp = writeTemp(file, text)
  try {
    fs.linkSync(tmp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    fs.rmSync(tmp, { force: true })
  }
  syncDir(path.dirname(file))
  return true
}
