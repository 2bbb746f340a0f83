/**
 * The writes of the records store (schema: migrations.ts, version 2), each run on a connection
 * inside a transaction its caller opened: recordDocs.ts opens one per call, and a caller that must
 * write documents and log lines atomically opens its own and calls these in turn.
 *
 * Commit order. Versions and log sequence numbers come from one sequence, which hands numbers out
 * in the order they are asked for, not the order their transactions commit: a reader could see 8
 * committed while 7 is still in flight, move past it and never see 7. So every write takes a
 * transaction-level advisory lock before it draws a number and holds it until its transaction
 * ends. PostgreSQL releases a transaction's locks only after its commit is visible to new
 * snapshots, so whoever draws the next number does so after the previous holder committed or
 * rolled back: a snapshot that shows version v shows every committed version below v, and
 * "everything above the last version I applied" never skips one. Documents share one lock (their
 * feed spans every kind); each log has its own (its readers read one log). A transaction that
 * writes both takes the documents' lock first (write documents before log lines), so two such
 * transactions never wait for each other in a circle. The lock serializes writers from the moment
 * they draw a number to their commit: keep that stretch short.
 */
import type { ClientBase } from 'pg'
import { LOCK_SPACE, recordLogLockKey } from './lockKeys'
import { checkName, checkSeq, toSeq } from './rows'

/** The most UTF-8 bytes of a kind, a key and a log name (the schema's CHECKs say the same). */
export const MAX_KIND_BYTES = 64
export const MAX_KEY_BYTES = 512
export const MAX_LOG_NAME_BYTES = 128

/** One document to store; `expectVersion` makes it a compare-and-set (0: the key must be absent). */
export interface DocWrite {
  kind: string
  key: string
  body: unknown
  expectVersion?: number
}

/**
 * A compare-and-set that found another version: someone else wrote (or removed) the document
 * since the caller read it. Nothing of the write was stored.
 */
export class VersionConflictError extends Error {
  readonly code = 'version-conflict'
  constructor(
    readonly kind: string,
    readonly key: string,
    /** The version the caller expected (0: absent). */
    readonly expected: number,
    /** The version stored (0: never written); `live` false when it is a tombstone. */
    readonly actual: number,
    readonly live: boolean,
  ) {
    const found = actual === 0 ? 'none' : `${actual}${live ? '' : ' (removed)'}`
    super(`record ${JSON.stringify(kind)}/${JSON.stringify(key)} is at version ${found}, not ${expected === 0 ? 'absent' : expected}`)
    this.name = 'VersionConflictError'
  }
}

/** The JSON text of a body; refuses what JSON cannot carry (undefined, functions, symbols, BigInt). */
export function bodyText(body: unknown, what: string): string {
  let text: string | undefined
  try {
    text = JSON.stringify(body)
  } catch (err) {
    throw new TypeError(`${what}: the body is not JSON: ${(err as Error).message}`)
  }
  if (typeof text !== 'string') throw new TypeError(`${what}: the body is not a JSON value`)
  return text
}

export function checkKind(kind: unknown): asserts kind is string {
  checkName(kind, 'a record kind', MAX_KIND_BYTES)
}

export function checkKey(key: unknown): asserts key is string {
  checkName(key, 'a record key', MAX_KEY_BYTES)
}

export function checkLogName(log: unknown): asserts log is string {
  checkName(log, 'a log name', MAX_LOG_NAME_BYTES)
}

/** Waits for the documents' version lock; held until the transaction ends. */
async function lockDocs(client: ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_SPACE.recordDocs])
}

/** A (kind, key) pair as one Map key: NUL never occurs in either (checkName refuses it). */
const pairKey = (kind: string, key: string) => `${kind}\u0000${key}`

/** Checks every compare-and-set in `writes` against what is stored; call under the documents' lock. */
async function checkExpected(client: ClientBase, writes: { kind: string; key: string; expectVersion?: number }[]): Promise<void> {
  const guarded = writes.filter((w) => w.expectVersion !== undefined)
  if (guarded.length === 0) return
  const { rows } = await client.query<{ kind: string; key: string; version: string; live: boolean }>(
    `SELECT d.kind, d.key, d.version, d.body IS NOT NULL AS live
       FROM record_docs d JOIN unnest($1::text[], $2::text[]) AS w(kind, key) ON d.kind = w.kind AND d.key = w.key`,
    [guarded.map((w) => w.kind), guarded.map((w) => w.key)],
  )
  const stored = new Map(rows.map((r) => [pairKey(r.kind, r.key), { version: toSeq(r.version), live: r.live }]))
  for (const w of guarded) {
    const found = stored.get(pairKey(w.kind, w.key))
    const absent = !found || !found.live
    const matches = w.expectVersion === 0 ? absent : found?.version === w.expectVersion
    if (!matches) throw new VersionConflictError(w.kind, w.key, w.expectVersion!, found?.version ?? 0, found?.live ?? false)
  }
}

/**
 * Rows per INSERT statement of a batch. Each row's values are bound parameters of their own (no
 * array literal to escape and parse: 2-3x faster for task-sized bodies), and PostgreSQL binds at
 * most 65,535 parameters to one statement.
 */
const ROWS_PER_STATEMENT = 1_000

/** A VALUES list of `rows` rows, row r written by `row(r)`. */
function valuesList(rows: number, row: (r: number) => string): string {
  return Array.from({ length: rows }, (_, r) => row(r)).join(', ')
}

// Numbers are drawn row by row in the order the VALUES list gives them.
const upsertSql = (rows: number) => `
INSERT INTO record_docs AS d (kind, key, body, version) VALUES ${valuesList(rows, (r) => `($${3 * r + 1}, $${3 * r + 2}, $${3 * r + 3}, nextval('record_version'))`)}
ON CONFLICT (kind, key) DO UPDATE SET body = EXCLUDED.body, version = EXCLUDED.version
RETURNING d.kind, d.key, d.version`

/**
 * Stores every document of `writes` and resolves with their new versions, in the order given.
 * Rejects (storing nothing once the caller rolls back) on a bad argument, on a key given twice,
 * or with VersionConflictError when a compare-and-set finds another version.
 */
export async function putDocs(client: ClientBase, writes: readonly DocWrite[]): Promise<number[]> {
  if (!Array.isArray(writes)) throw new TypeError('putMany takes an array of writes')
  const seen = new Set<string>()
  const texts = writes.map((w, i) => {
    if (typeof w !== 'object' || w === null) throw new TypeError(`write ${i} is not an object`)
    checkKind(w.kind)
    checkKey(w.key)
    if (w.expectVersion !== undefined) checkSeq(w.expectVersion, `write ${i}: expectVersion`)
    const id = pairKey(w.kind, w.key)
    if (seen.has(id)) throw new RangeError(`write ${i}: ${JSON.stringify(w.kind)}/${JSON.stringify(w.key)} is given twice`)
    seen.add(id)
    return bodyText(w.body, `write ${i}`)
  })
  if (writes.length === 0) return []
  await lockDocs(client)
  await checkExpected(client, writes)
  const versions = new Map<string, number>()
  for (let from = 0; from < writes.length; from += ROWS_PER_STATEMENT) {
    const chunk = writes.slice(from, from + ROWS_PER_STATEMENT)
    const params = chunk.flatMap((w, i) => [w.kind, w.key, texts[from + i]])
    const { rows } = await client.query<{ kind: string; key: string; version: string }>(upsertSql(chunk.length), params)
    for (const r of rows) versions.set(pairKey(r.kind, r.key), toSeq(r.version))
  }
  return writes.map((w) => {
    const v = versions.get(pairKey(w.kind, w.key))
    if (v === undefined) throw new Error(`record ${JSON.stringify(w.kind)}/${JSON.stringify(w.key)} was not stored`)
    return v
  })
}

/**
 * Marks a document removed (a tombstone with a new version) and resolves with that version, or
 * with null when there was nothing live to remove (nothing is written then).
 */
export async function removeDoc(client: ClientBase, kind: string, key: string, expectVersion?: number): Promise<number | null> {
  checkKind(kind)
  checkKey(key)
  if (expectVersion !== undefined) checkSeq(expectVersion, 'expectVersion')
  await lockDocs(client)
  await checkExpected(client, [{ kind, key, expectVersion }])
  const { rows } = await client.query<{ version: string }>(
    `UPDATE record_docs SET body = NULL, version = nextval('record_version')
      WHERE kind = $1 AND key = $2 AND body IS NOT NULL RETURNING version`,
    [kind, key],
  )
  return rows.length ? toSeq(rows[0].version) : null
}

/** Appends `bodies` to log `log` in the order given and resolves with their sequence numbers. */
export async function appendLog(client: ClientBase, log: string, bodies: readonly unknown[]): Promise<number[]> {
  checkLogName(log)
  if (!Array.isArray(bodies)) throw new TypeError('appendMany takes an array of bodies')
  const texts = bodies.map((b, i) => bodyText(b, `log entry ${i}`))
  if (texts.length === 0) return []
  const [space, lockKey] = recordLogLockKey(log)
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [space, lockKey])
  const rows: { seq: string }[] = []
  for (let from = 0; from < texts.length; from += ROWS_PER_STATEMENT) {
    const chunk = texts.slice(from, from + ROWS_PER_STATEMENT)
    // The log name is the first parameter; each body has its own.
    const list = valuesList(chunk.length, (r) => `($1, nextval('record_version'), $${r + 2})`)
    rows.push(...(await client.query<{ seq: string }>(`INSERT INTO record_logs (log, seq, body) VALUES ${list} RETURNING seq`, [log, ...chunk])).rows)
  }
  // Numbers are drawn in input order; RETURNING's order is not promised, so sort them back.
  const seqs = rows.map((r) => toSeq(r.seq)).sort((a, b) => a - b)
  if (seqs.length !== texts.length) throw new Error(`log ${JSON.stringify(log)}: ${seqs.length} of ${texts.length} entries stored`)
  return seqs
}
