/** A real small file system for full-disk tests: a tmpfs mounted under /tmp, filled and freed. */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Mounts a tmpfs of `size` under /tmp/cj-tmpfs-<random>; null (with the reason) if impossible. */
export function mountTmpfs(size: string): string | null {
  const dir = `/tmp/cj-tmpfs-${crypto.randomBytes(6).toString('hex')}`
  fs.mkdirSync(dir)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' })
    return dir
  } catch (err) {
    fs.rmdirSync(dir)
    console.log(`  skipped: cannot mount a tmpfs (${String((err as Error).message).split('\n')[0]})`)
    return null
  }
}

/** Unmounts and removes a directory made by mountTmpfs. */
export function unmountTmpfs(dir: string): void {
  execFileSync('umount', [dir])
  fs.rmdirSync(dir)
}

/** Fills the file system of `dir` to the last byte with a filler file; returns the filler's path. */
export function fill(dir: string): string {
  const filler = path.join(dir, 'filler')
  const fd = fs.openSync(filler, 'a')
  const chunk = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) fs.writeSync(fd, chunk)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  }
  // then byte by byte, so not even a partial page is left
  try {
    for (;;) fs.writeSync(fd, chunk, 0, 1)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    fs.closeSync(fd)
  }
  return filler
}
