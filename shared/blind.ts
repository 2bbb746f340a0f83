/**
 * Blind judging: the letters everyone on a task (the lead included) names its candidates by, and
 * the mapping from the rooms' candidate ids back to import ids. The order is a shuffle seeded by
 * the task id and the import ids, so everyone sees the same A, B, C… on every device and every
 * day, and nothing about it depends on the import order or the models.
 */
import type { ReviewRecord } from './record'
import { fnv1a, mulberry32, shuffled } from './seeded'

/**
 * The blind order of `ids` for task `taskId`: a Fisher–Yates shuffle driven by mulberry32 seeded
 * with the task id's FNV-1a hash. A permutation of `ids` (a new array); the same inputs always give the same order.
 */
export function blindOrder<T extends string>(taskId: string, ids: readonly T[]): T[] {
  return shuffled(ids, mulberry32(fnv1a(`codejury-blind:${taskId}`)))
}

/** The letter of the candidate shown at `index` (0 → "A"); past Z it goes on as AA, AB… */
export function blindLetter(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`no letter for index ${index}`)
  let n = index
  let s = ''
  do {
    s = String.fromCharCode(65 + (n % 26)) + s
    n = Math.floor(n / 26) - 1
  } while (n >= 0)
  return s
}

/** Candidate id → its letter in the blind order of task `taskId`. */
export function blindLabels(taskId: string, ids: readonly string[]): Map<string, string> {
  return new Map(blindOrder(taskId, ids).map((id, i) => [id, blindLetter(i)]))
}

/** The id the import gave a candidate: its `import_id` when the server gave it an opaque id. */
export function importIdOf(candidate: { id: string; import_id?: string }): string {
  return candidate.import_id ?? candidate.id
}

/**
 * Room id → letter for a task's candidates: the blind order of their import ids (so a task keeps
 * its letters when its room ids are decided), read back onto the ids the rooms use.
 */
export function candidateLabels(task: { id: string; candidates: readonly { id: string; import_id?: string }[] }): Map<string, string> {
  const byImport = blindLabels(task.id, task.candidates.map(importIdOf))
  return new Map(task.candidates.map((c) => [c.id, byImport.get(importIdOf(c))!]))
}

/** Letters in reading order: A … Z, then AA, AB… */
export function compareLetters(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}

/**
 * Room ids of a task's candidates in the order every page shows them: letter order in a blind
 * batch, import order otherwise. Whatever lists candidates to a person (refusal reasons, hints)
 * walks this order, because the import order of a blind batch tells which letter is which model.
 */
export function shownOrder(task: { id: string; candidates: readonly { id: string; import_id?: string }[] }, blind: boolean): string[] {
  const ids = task.candidates.map((c) => c.id)
  if (!blind) return ids
  const labels = candidateLabels(task)
  return ids.sort((a, b) => compareLetters(labels.get(a)!, labels.get(b)!))
}

/** Room id → how every page names the candidate: its letter in a blind batch, else its import id. */
export function displayLabels(task: { id: string; candidates: readonly { id: string; import_id?: string }[] }, blind: boolean): Map<string, string> {
  return blind ? candidateLabels(task) : new Map(task.candidates.map((c) => [c.id, importIdOf(c)]))
}

/** Import id → letter: what a record keeps as `labels`, so "B fails" in an explanation can be read. */
export function labelsByImportId(task: { id: string; candidates: readonly { id: string; import_id?: string }[] }): Record<string, string> {
  const labels = candidateLabels(task)
  return Object.fromEntries(task.candidates.map((c) => [importIdOf(c), labels.get(c.id)!]))
}

/** Room id → import id, or undefined when every candidate's room id is its import id. */
export function importIdMap(candidates: readonly { id: string; import_id?: string }[]): Record<string, string> | undefined {
  if (candidates.every((c) => importIdOf(c) === c.id)) return undefined
  return Object.fromEntries(candidates.map((c) => [c.id, importIdOf(c)]))
}

/**
 * A record with every candidate id the rooms used replaced by its import id (`record.import_ids`):
 * candidates, ranking, ratings, runs, pass rates, ballots and comment anchors. What every export
 * format but `native` builds its rows from (the native row is the sealed record itself, which
 * carries `import_ids`). A record without the map is returned as it is.
 */
export function recordWithImportIds<R extends ReviewRecord>(record: R): R {
  const map = record.import_ids
  if (!map) return record
  const to = (id: string) => (Object.hasOwn(map, id) ? map[id] : id)
  const keys = <V>(obj: Record<string, V> | undefined) => obj && Object.fromEntries(Object.entries(obj).map(([k, v]) => [to(k), v]))
  const anchor = (a: unknown): unknown => {
    if (!a || typeof a !== 'object') return a
    const x = a as { kind?: unknown; candidate?: unknown; field?: unknown }
    if (x.kind === 'lines' && typeof x.candidate === 'string') return { ...x, candidate: to(x.candidate) }
    if (x.kind === 'text' && typeof x.field === 'string' && x.field.startsWith('notes:')) return { ...x, field: `notes:${to(x.field.slice(6))}` }
    return a
  }
  return {
    ...record,
    candidates: record.candidates?.map((c) => ({ ...c, id: to(c.id) })),
    ranking: record.ranking?.map(to),
    ratings: keys(record.ratings),
    runs: keys(record.runs),
    derived_checks: record.derived_checks && { ...record.derived_checks, pass_rates: keys(record.derived_checks.pass_rates) },
    ballots: record.ballots?.map((b) => ({ ...b, ranking: b.ranking?.map(to), ratings: keys(b.ratings) })),
    threads: record.threads?.map((t) => ({ ...t, anchor: anchor(t.anchor) })),
  }
}
