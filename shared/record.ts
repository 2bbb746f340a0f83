/**
 * The immutable review record (docs/workflow.md#the-review-record): reading a finalized workspace into
 * plain JSON, canonical JSON, and the record's SHA-256 hash. A record is never mutated; reopening
 * writes a new revision.
 */
import * as Y from 'yjs'
import { digest } from 'lib0/hash/sha256'
import { getThreads, getWorkspace } from './schema'
import type { RunResult } from './schema'
import { ownValue, readRatings, readRuns, readText, SOLUTION_RUN_KEY } from './readers'
import type { ScaleCriterion } from './readers'
import { readRanking } from './ranking'
import { currentRuns } from './runs'
import type { Candidate, RubricCriterion } from './types'

/** One person's part in a revision: active time measured by the server (see activity). */
export interface Participant {
  user: string
  name: string
  role: string
  active_ms: number
}

/** A comment thread as the record keeps it. */
export interface RecordThread {
  id: string
  anchor: unknown
  quote: string
  author: string
  created_at: string
  resolved: boolean
  comments: { id: string; author: string; body: string; created_at: string }[]
}

/** One annotator's private ballot (independent mode). */
export interface RecordBallot {
  user: string
  ranking: string[]
  ratings: Record<string, Record<string, number>>
}

/** What the record says the runs imply; null where no run exists yet. */
export interface DerivedChecks {
  reference_passes: boolean | null
  pass_rates: Record<string, number | null>
  ranking_agrees_with_runs: boolean | null
  /** Suite strength: the tests fail at least one candidate; null before any candidate ran. */
  suite_fails_a_candidate: boolean | null
}

/** Every field of a review record; `record_hash` covers all the others. */
export interface ReviewRecord {
  task_id: string
  revision: number
  batch: string
  prompt: unknown
  language: string
  entry_point: string | null
  candidates: Candidate[]
  ranking: string[]
  ratings: Record<string, Record<string, number>>
  explanation: string
  solution: string
  tests: string
  runs: Record<string, unknown>
  derived_checks: DerivedChecks
  threads: RecordThread[]
  ballots: RecordBallot[]
  participants: Participant[]
  finalized_by: string
  finalized_at: string
  override_note?: string
  /** The batch's rubric when finalized, so ratings keep their scales (exports normalise by them). */
  rubric?: RubricCriterion[]
  /** Blind batches: import id → the letter everyone saw (A, B, C…), so an explanation can be read. */
  labels?: Record<string, string>
  /**
   * Room id → import id when the rooms used opaque ids (blind batches): every id above is a room
   * id; exports map them back with `recordWithImportIds` (shared/blind.ts).
   */
  import_ids?: Record<string, string>
  /** Whose runs `runs` holds: the server's own (`server`), or browser-reported, with why the server ran none. */
  evidence?: { source: 'server' } | { source: 'browser-reported'; reason: string }
  record_hash: string
}

/** The workspace as the gate and the record read it: only known ids, only values of the right type. */
export interface WorkspaceContent {
  ranking: string[]
  /** Only candidates with at least one score; every score whole and on its criterion's scale. */
  ratings: Record<string, Record<string, number>>
  explanation: string
  solution: string
  tests: string
  /** Every run of a known subject with a valid shape, current or stale (see `recordRuns`). */
  runs: Record<string, RunResult>
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read()
  } catch {
    return fallback
  }
}

/**
 * Reads a workspace doc for the gate and the record through the shared readers. A root of the
 * wrong type, a score that is not a whole number on the criterion's scale (2.5 is missing), an
 * unknown id: all read as absent, never a crash (a well-formed update can still be hostile:
 * docs/security.md#rules-and-bounds). Walks known ids only and builds every id-keyed object with
 * own keys, so an id such as `__proto__` or `constructor` is data, never a prototype.
 */
export function readWorkspaceContent(
  doc: Y.Doc,
  candidates: readonly string[],
  rubric: readonly ScaleCriterion[],
): WorkspaceContent {
  const ws = safely(() => getWorkspace(doc), null)
  const root = <T>(read: (w: NonNullable<typeof ws>) => T, fallback: T): T => (ws ? safely(() => read(ws), fallback) : fallback)
  const rows = root((w) => readRatings(w.ratings, candidates, rubric), {} as Record<string, Record<string, number>>)
  return {
    ranking: root((w) => readRanking(w.ranking, candidates), [] as string[]),
    ratings: Object.fromEntries(candidates.flatMap((c) => (Object.keys(ownValue(rows, c) ?? {}).length ? [[c, rows[c]]] : []))),
    explanation: root((w) => readText(w.explanation), ''),
    solution: root((w) => readText(w.solution), ''),
    tests: root((w) => readText(w.tests), ''),
    runs: root((w) => readRuns(w.runs, candidates), {} as Record<string, RunResult>),
  }
}

/**
 * The runs a record may hold: only those of its own tests against each subject's own code (the
 * reference solution's text for `solution`, the candidate's code otherwise). A run of other tests
 * or other code is stale evidence and never enters a record or its derived checks.
 */
export function recordRuns(
  runs: Readonly<Record<string, RunResult>>,
  tests: string,
  solution: string,
  candidates: readonly { id: string; code: string }[],
): Record<string, RunResult> {
  const code = new Map(candidates.map((c) => [c.id, c.code]))
  return currentRuns(runs, tests, (key) => (key === SOLUTION_RUN_KEY ? solution : code.get(key)), sha256Hex)
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

function plainJson(v: unknown): unknown {
  const value = v instanceof Y.AbstractType ? safely(() => v.toJSON(), null) : v
  return value === undefined ? null : safely(() => JSON.parse(JSON.stringify(value)), null)
}

/** Reads the comments room's threads (root `threads`), skipping anything that is not a thread. */
export function readThreads(doc: Y.Doc): RecordThread[] {
  const items = safely(() => getThreads(doc).toArray(), [] as unknown[])
  const threads: RecordThread[] = []
  items.forEach((item, i) => {
    if (!(item instanceof Y.Map)) return
    const comments = item.get('comments')
    threads.push({
      id: str(item.get('id')) || `#${i}`,
      anchor: plainJson(item.get('anchor')),
      quote: str(item.get('quote')),
      author: str(item.get('author')),
      created_at: str(item.get('created_at')),
      resolved: item.get('resolved') === true,
      comments: (comments instanceof Y.Array ? comments.toArray() : [])
        .filter((c): c is Y.Map<unknown> => c instanceof Y.Map)
        .map((c) => ({ id: str(c.get('id')), author: str(c.get('author')), body: str(c.get('body')), created_at: str(c.get('created_at')) })),
    })
  })
  return threads
}

/**
 * Pass rates and whether the ranking agrees with them (a better-ranked candidate passes no fewer);
 * a flagged run's rate is 0.
 * `runs` must already be the record's own (see `recordRuns`): the checks come from those alone.
 * Runs are looked up as own properties, so a candidate id such as `constructor` never reads
 * something inherited as a run.
 */
export function deriveChecks(runs: Readonly<Record<string, unknown>>, candidates: readonly string[], ranking: readonly string[]): DerivedChecks {
  const rate = (key: string): number | null => {
    const run = ownValue(runs, key)
    const [passed, total] = [ownValue(run, 'passed'), ownValue(run, 'total')]
    if (typeof passed !== 'number' || typeof total !== 'number' || total <= 0) return null
    // A run the runner flagged for tampering passes nothing, whatever its counts say.
    return flagged(run) ? 0 : passed / total
  }
  const flagged = (run: unknown) => {
    const flags = ownValue(run, 'flags')
    return Array.isArray(flags) && flags.length > 0
  }
  const rates = new Map(candidates.map((c) => [c, rate(c)]))
  const reference = ownValue(runs, SOLUTION_RUN_KEY)
  const status = ownValue(reference, 'status')
  const rated = ranking.map((c) => rates.get(c) ?? null).filter((r): r is number => r !== null)
  const ran = [...rates.values()].filter((r): r is number => r !== null)
  return {
    reference_passes: typeof status === 'string' ? status === 'pass' && !flagged(reference) : null,
    pass_rates: Object.fromEntries(rates),
    ranking_agrees_with_runs: rated.length < 2 ? null : rated.every((r, i) => i === 0 || rated[i - 1] >= r),
    suite_fails_a_candidate: ran.length === 0 ? null : ran.some((r) => r < 1),
  }
}

/**
 * JSON with keys sorted at every depth and no whitespace: the bytes the hash covers. `undefined`
 * members are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('canonical JSON has no NaN or Infinity')
    return JSON.stringify(value) ?? 'null'
  }
  // Built by appending, without the intermediate arrays of map/filter/join: exports verify every
  // record they read, and this halved the time per 7 KB record (45 → 25 µs in one run).
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      const item: unknown = value[i]
      out += item === undefined ? 'null' : canonicalJson(item)
    }
    return out + ']'
  }
  const obj = value as Record<string, unknown>
  let out = '{'
  let first = true
  for (const key of Object.keys(obj).sort()) {
    const item = obj[key]
    if (item === undefined) continue
    if (!first) out += ','
    first = false
    out += JSON.stringify(key) + ':' + canonicalJson(item)
  }
  return out + '}'
}

/** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  const bytes = digest(new TextEncoder().encode(text))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The record's hash: SHA-256 of the canonical JSON of every field but `record_hash`. */
export function recordHash(record: Omit<ReviewRecord, 'record_hash'> & { record_hash?: string }): string {
  const { record_hash: _ignored, ...body } = record
  return sha256Hex(canonicalJson(body))
}

/** Seals a record body with its hash. */
export function sealRecord(body: Omit<ReviewRecord, 'record_hash'>): ReviewRecord {
  return { ...body, record_hash: recordHash(body) }
}

/** True when a record's stored hash matches its content: false means it was altered. */
export function verifyRecord(record: ReviewRecord): boolean {
  return typeof record.record_hash === 'string' && recordHash(record) === record.record_hash
}
