/**
 * Typed, defensive readers: the only way the server and the client read a document's content.
 *
 * Everything in a document is untrusted: Yjs applies whatever a writer sends, so a hostile (or
 * buggy) client can put any value anywhere, a number where a Y.Map belongs, a Y.Text where a
 * string belongs, a `__proto__` key. Every reader here walks the task's known candidate
 * ids and rubric criteria (never a map's own keys), reads own properties only, treats a value of
 * the wrong type as absent and never throws. What they return is plain data.
 */
import * as Y from 'yjs'
import { getBallot, getMeta, getWorkspace, MetaKey } from './schema'
import type { RunCase, RunResult, RunStatus } from './schema'
import { readRanking } from './ranking'
import { TaskStatus } from './types'
import type { RubricCriterion } from './types'

/** What a reader needs of a rubric criterion: its id and its scale. */
export type ScaleCriterion = Pick<RubricCriterion, 'id' | 'min' | 'max'>

/** Candidate id → criterion id → score; only scores on the criterion's scale are present. */
export type Ratings = Record<string, Record<string, number>>

/** Key of the run of the team's reference solution in `runs` (the others are candidate ids). */
export const SOLUTION_RUN_KEY = 'solution'

/** A workspace read as plain values (see `readWorkspace`). */
export interface WorkspaceContent {
  /** Placed candidate ids, best first (first copy of each known id). */
  ranking: string[]
  ratings: Ratings
  explanation: string
  solution: string
  tests: string
  /** Candidate id → notes ('' when there are none or the entry is not a Y.Text). */
  notes: Record<string, string>
  /** Candidate id or `solution` → the latest run, only when its shape is valid. */
  runs: Record<string, RunResult>
}

/** The last workflow action, as the server writes it into meta. */
export interface LastAction {
  action: string
  by: string
  at: string
  message?: string
}

/** The meta room read as plain values; a missing or malformed field is null (or empty). */
export interface MetaContent {
  status: TaskStatus | null
  revision: number | null
  assignees: string[]
  last_action: LastAction | null
  finalized_at: string | null
}

/** One annotator's private ballot read as plain values. */
export interface BallotContent {
  ranking: string[]
  ratings: Ratings
}

/** True when `score` is a whole number on `criterion`'s scale (NaN, ∞ and fractions are not). */
export function isScoreOnScale(criterion: ScaleCriterion, score: unknown): score is number {
  return Number.isInteger(score) && (score as number) >= criterion.min && (score as number) <= criterion.max
}

/**
 * An object's own property, or undefined. A JSON value that came through a Yjs update may have a
 * prototype set by a `__proto__` key; inherited properties are never read.
 */
export function ownValue(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined
  return (value as Record<string, unknown>)[key]
}

/**
 * `record[key]` when it is the record's own property, else undefined: an id such as `constructor`
 * or `__proto__` never reads an inherited value. Use it for every lookup by a candidate id.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

/** Builds a plain record from entries; `__proto__` becomes an own key, never the prototype. */
function record<T>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries(entries) as Record<string, T>
}

/**
 * `value` when it is a plain Y.Text, else null. A Y.XmlText is a Y.Text subclass a writer can
 * choose on the wire; it is not what the schema holds, so it is absent too.
 */
export function asText(value: unknown): Y.Text | null {
  return value instanceof Y.Text && !(value instanceof Y.XmlText) ? value : null
}

/** The text of a plain Y.Text, or '' when `value` is anything else. */
export function readText(value: unknown): string {
  return asText(value)?.toString() ?? ''
}

/** `value.get(key)` when `value` is a Y.Map, else undefined. */
function mapGet(value: unknown, key: string): unknown {
  return value instanceof Y.Map ? (value.get(key) as unknown) : undefined
}

/**
 * Every known candidate's scores: `ratings[candidate]` must be a Y.Map, each score a whole number
 * on its criterion's scale; anything else is absent. Every candidate gets an entry (maybe empty).
 */
export function readRatings(
  ratings: unknown,
  candidateIds: readonly string[],
  criteria: readonly ScaleCriterion[],
): Ratings {
  return record(
    candidateIds.map((id) => {
      const row = mapGet(ratings, id)
      const scores: [string, number][] = []
      for (const c of criteria) {
        const score = mapGet(row, c.id)
        if (isScoreOnScale(c, score)) scores.push([c.id, score])
      }
      return [id, record(scores)]
    }),
  )
}

/** How many (candidate, criterion) scores are given, out of candidates × criteria. */
export function countScores(ratings: Ratings): number {
  return Object.values(ratings).reduce((n, row) => n + Object.keys(row).length, 0)
}

/** Every known candidate's notes text ('' when absent or not a Y.Text). */
export function readNotes(notes: unknown, candidateIds: readonly string[]): Record<string, string> {
  return record(candidateIds.map((id) => [id, readText(mapGet(notes, id))]))
}

const RUN_STATUSES: readonly RunStatus[] = ['pass', 'fail', 'error', 'timeout']
const CASE_STATUSES: readonly RunCase['status'][] = ['pass', 'fail', 'error']

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
const isString = (v: unknown): v is string => typeof v === 'string'

function readCase(value: unknown): RunCase | null {
  const name = ownValue(value, 'name')
  const status = ownValue(value, 'status') as RunCase['status']
  const message = ownValue(value, 'message')
  if (!isString(name) || !CASE_STATUSES.includes(status)) return null
  if (message !== undefined && !isString(message)) return null
  return message === undefined ? { name, status } : { name, status, message }
}

/**
 * A run as docs/protocol.md#the-runs-map shapes it, or null when any field is missing or of the wrong type (a
 * malformed run is absent as a whole: half a run would mislead more than none).
 */
export function readRun(value: unknown): RunResult | null {
  if (value instanceof Y.AbstractType || value instanceof Y.Doc) return null
  const get = (key: string) => ownValue(value, key)
  const status = get('status') as RunStatus
  const [passed, failed, total] = [get('passed'), get('failed'), get('total')]
  const duration = get('duration_ms')
  const [ranBy, ranAt] = [get('ran_by'), get('ran_at')]
  const [testsSha, codeSha] = [get('tests_sha256'), get('code_sha256')]
  const rawCases = get('cases')
  if (!RUN_STATUSES.includes(status) || !isCount(passed) || !isCount(failed) || !isCount(total)) return null
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) return null
  if (![ranBy, ranAt, testsSha, codeSha].every(isString) || !Array.isArray(rawCases)) return null
  const cases = rawCases.map(readCase)
  if (cases.some((c) => c === null)) return null
  const rawFlags = get('flags')
  // Flags only ever mark a run down: a malformed list still reads as flagged, never as clean.
  const flags = rawFlags === undefined ? [] : Array.isArray(rawFlags) ? rawFlags.filter(isString).slice(0, 16) : ['malformed']
  if (rawFlags !== undefined && flags.length === 0 && Array.isArray(rawFlags) && rawFlags.length > 0) flags.push('malformed')
  return {
    status,
    passed,
    failed,
    total,
    duration_ms: duration,
    ran_by: ranBy as string,
    ran_at: ranAt as string,
    tests_sha256: testsSha as string,
    code_sha256: codeSha as string,
    cases: cases as RunCase[],
    ...(flags.length ? { flags } : {}),
  }
}

/** The valid runs of the known candidates and of the reference solution. */
export function readRuns(runs: unknown, candidateIds: readonly string[]): Record<string, RunResult> {
  const entries: [string, RunResult][] = []
  for (const key of [...candidateIds, SOLUTION_RUN_KEY]) {
    const run = readRun(mapGet(runs, key))
    if (run) entries.push([key, run])
  }
  return record(entries)
}

/**
 * The whole workspace of `task` as plain values: what progress, finalize gating and the review
 * record read. `criteria` is the batch's rubric (an empty rubric reads no scores).
 */
export function readWorkspace(
  doc: Y.Doc,
  task: { candidates: readonly { id: string }[] },
  criteria: readonly ScaleCriterion[],
): WorkspaceContent {
  const ws = getWorkspace(doc)
  const ids = task.candidates.map((c) => c.id)
  return {
    ranking: readRanking(ws.ranking, ids),
    ratings: readRatings(ws.ratings, ids, criteria),
    explanation: readText(ws.explanation),
    solution: readText(ws.solution),
    tests: readText(ws.tests),
    notes: readNotes(ws.notes, ids),
    runs: readRuns(ws.runs, ids),
  }
}

const STATUSES: readonly string[] = Object.values(TaskStatus)

function readLastAction(value: unknown): LastAction | null {
  const [action, by, at, message] = ['action', 'by', 'at', 'message'].map((k) => ownValue(value, k))
  if (!isString(action) || !isString(by) || !isString(at)) return null
  if (message !== undefined && !isString(message)) return null
  return message === undefined ? { action, by, at } : { action, by, at, message }
}

/** The meta room (`task:<id>:meta`) as plain values; written by the server, still read defensively. */
export function readMeta(doc: Y.Doc): MetaContent {
  const meta = getMeta(doc)
  const status = meta.get(MetaKey.status)
  const revision = meta.get(MetaKey.revision)
  const assignees = meta.get(MetaKey.assignees)
  const finalizedAt = meta.get(MetaKey.finalized_at)
  return {
    status: isString(status) && STATUSES.includes(status) ? (status as TaskStatus) : null,
    revision: Number.isSafeInteger(revision) && (revision as number) >= 1 ? (revision as number) : null,
    assignees: Array.isArray(assignees) ? assignees.filter(isString) : [],
    last_action: readLastAction(meta.get(MetaKey.last_action)),
    finalized_at: isString(finalizedAt) ? finalizedAt : null,
  }
}

/** A ballot room (`task:<id>:ballot:<userId>`) as plain values, read like the workspace. */
export function readBallot(
  doc: Y.Doc,
  task: { candidates: readonly { id: string }[] },
  criteria: readonly ScaleCriterion[],
): BallotContent {
  const ballot = getBallot(doc)
  const ids = task.candidates.map((c) => c.id)
  return { ranking: readRanking(ballot.ranking, ids), ratings: readRatings(ballot.ratings, ids, criteria) }
}
