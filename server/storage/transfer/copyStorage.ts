/**
 * `codejury storage copy`: moves everything one storage holds (a DATA_DIR, or a PostgreSQL
 * database) into another that is empty, then proves the copy by reading the target back through
 * its own stores. The rules: every DATA_DIR involved is locked for the whole copy (a server that
 * holds one refuses the copy, and no server can start on it meanwhile); the target must hold
 * nothing; the source must read faithfully (a record whose hash or signature fails stops the copy
 * before anything is written); the records keep their signatures, so the target's instances must
 * sign with the same key file.
 */
import fs from 'node:fs'
import { acquireLock, DataDirLockedError } from '../lock'
import { RecordKeys } from '../recordKey'
import { RecordKeyMismatchError } from '../postgres/sharedRecordKey'
import { isEmptyDir, readDataDir, writeDataDir } from './fileSide'
import type { ReadResult } from './fileSide'
import { PgSide } from './pgSide'
import { compareDataSets } from './compareDataSets'
import type { Comparison } from './compareDataSets'

/** One side of a copy. */
export type Endpoint = { kind: 'dir'; dir: string } | { kind: 'postgres'; url: string }

export interface CopyOptions {
  from: Endpoint
  to: Endpoint
  /** The record signing key's private file (RECORD_KEY_FILE): the records must verify against it. */
  keyFile: string
}

/** A copy that was refused before anything was written; `problems` says why, one line each. */
export class CopyRefusedError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message)
    this.name = 'CopyRefusedError'
  }
}

export function describe(end: Endpoint): string {
  if (end.kind === 'dir') return end.dir
  const url = new URL(end.url)
  url.password = url.password ? '***' : ''
  return url.toString()
}

/** Opened resources of a copy, closed in reverse order whatever happened. */
class Held {
  private readonly closers: Array<() => Promise<void> | void> = []
  add(close: () => Promise<void> | void): void {
    this.closers.push(close)
  }
  async closeAll(): Promise<void> {
    for (const close of this.closers.reverse()) await Promise.resolve(close()).catch(() => {})
  }
}

function lock(dir: string, held: Held): void {
  try {
    const lease = acquireLock(dir)
    held.add(() => lease.release())
  } catch (err) {
    if (err instanceof DataDirLockedError) throw new CopyRefusedError(`${err.message} A copy needs every server on it stopped.`)
    throw err
  }
}

async function openPg(url: string, held: Held): Promise<PgSide> {
  let side: PgSide
  try {
    side = await PgSide.open(url)
  } catch (err) {
    throw new CopyRefusedError(`cannot use the database ${describe({ kind: 'postgres', url })}: ${(err as Error).message}`)
  }
  held.add(() => side.close())
  return side
}

/** Reads the source; a key that is not the one the source's instances sign with refuses the copy. */
async function readSource(from: Endpoint, source: PgSide | null, keys: RecordKeys): Promise<ReadResult> {
  try {
    return source ? await source.read(keys) : await readDataDir((from as { dir: string }).dir, keys)
  } catch (err) {
    if (err instanceof RecordKeyMismatchError) throw new CopyRefusedError(`the record key is not the source's: ${err.message}`)
    throw err
  }
}

/**
 * Copies `from` into `to` and verifies it; resolves with the comparison (its differences empty
 * when the target holds exactly what the source did). Rejects with CopyRefusedError, having
 * written nothing, when a lock is held, the target is not empty or the source does not read.
 */
export async function copyStorage(options: CopyOptions): Promise<Comparison> {
  const { from, to, keyFile } = options
  if (from.kind === 'dir' && !fs.existsSync(from.dir)) throw new CopyRefusedError(`the source ${from.dir} does not exist`)
  // A missing key file would be created: a new key, against which no copied record verifies.
  if (!fs.existsSync(keyFile)) throw new CopyRefusedError(`the record key file ${keyFile} does not exist; give the key the records were signed with (--record-key or RECORD_KEY_FILE)`)
  const keys = RecordKeys.open(keyFile)
  const held = new Held()
  try {
    if (to.kind === 'dir' && !isEmptyDir(to.dir)) throw new CopyRefusedError(`the target ${to.dir} is not empty; a copy only writes into an empty DATA_DIR`)
    if (from.kind === 'dir') lock(from.dir, held)
    if (to.kind === 'dir') {
      fs.mkdirSync(to.dir, { recursive: true, mode: 0o700 })
      lock(to.dir, held)
    }
    const source = from.kind === 'dir' ? null : await openPg(from.url, held)
    const target = to.kind === 'dir' ? null : await openPg(to.url, held)
    if (target && !(await target.isEmpty())) {
      throw new CopyRefusedError(`the target database ${describe(to)} is not empty; a copy only writes into an empty database`)
    }
    const read = await readSource(from, source, keys)
    if (read.problems.length) throw new CopyRefusedError(`the source ${describe(from)} does not read faithfully; nothing was copied`, read.problems)
    if (target) await target.write(read.data, keys)
    else await writeDataDir((to as { dir: string }).dir, read.data, keys)
    const back = target ? await target.read(keys) : await readDataDir((to as { dir: string }).dir, keys)
    const texts = target ? await target.recordTexts() : back.data.records
    const comparison = compareDataSets(read.data, back.data, texts)
    comparison.differences.push(...back.problems.map((p) => `on the target: ${p}`))
    return comparison
  } finally {
    await held.closeAll()
  }
}
