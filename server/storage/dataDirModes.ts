/** Owner-only modes for everything under DATA_DIR, also for files an older version left readable. */
import fs from 'node:fs'
import path from 'node:path'
import { DIR_MODE, FILE_MODE } from './durableFile'

/**
 * Walks DATA_DIR (itself included) and takes group and other permissions away from every file
 * and directory that has any (record files once were 0644). Symbolic links are left alone
 * and not followed. Returns how many entries were changed, for the start-up log.
 */
export function tightenDataDir(dataDir: string): number {
  let changed = 0
  const visit = (p: string, isDir: boolean) => {
    const mode = fs.lstatSync(p).mode & 0o777
    const wanted = isDir ? DIR_MODE : FILE_MODE
    if (mode & 0o077) {
      fs.chmodSync(p, wanted)
      changed++
    }
    if (!isDir) return
    for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) continue
      if (entry.isDirectory() || entry.isFile()) visit(path.join(p, entry.name), entry.isDirectory())
    }
  }
  visit(dataDir, true)
  return changed
}
