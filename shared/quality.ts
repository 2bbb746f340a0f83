/**
 * Annotator quality, pure: agreement with gold rankings, first-time-right from workflow events,
 * medians, and one person's row of the quality table. Null wherever there is nothing to measure,
 * never NaN.
 */
import * as v from 'valibot'
import { ballotTauB, meanOf } from './agreement'
import { MAX_CANDIDATES } from './validation'

/** One person's ranking of a gold task against the gold ranking. */
export interface GoldJudgment {
  /** Kendall tau-b over the candidates both rankings place; null when fewer than two are shared. */
  tau_b: number | null
  /** Whether their first equals gold's first; null when either placed nothing. */
  top1: boolean | null
}

/** How one ranking (best first) agrees with the gold ranking (best first). */
export function judgeAgainstGold(ranking: readonly string[], gold: readonly string[]): GoldJudgment {
  return {
    tau_b: ballotTauB(ranking, gold),
    top1: ranking.length && gold.length ? ranking[0] === gold[0] : null,
  }
}

/** Gold tasks judged, mean tau-b, and the share of judgments whose first matches gold's. */
export function goldSummary(judgments: readonly GoldJudgment[]): { gold_judged: number; gold_tau_b: number | null; gold_top1: number | null } {
  const tops = judgments.map((j) => j.top1).filter((t): t is boolean => t !== null)
  return {
    gold_judged: judgments.length,
    gold_tau_b: meanOf(judgments.map((j) => j.tau_b)),
    gold_top1: tops.length ? tops.filter(Boolean).length / tops.length : null,
  }
}

/** The middle value (the mean of the two middle values for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (xs.length === 0) return null
  const mid = xs.length >> 1
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2
}

/** A workflow action on one revision of a task, as the audit log records it. */
export interface WorkflowEvent {
  task: string
  revision: number
  action: string
  by: string
}

/** Per person, the decided submissions counted so far and how many of them were right first time. */
export type FirstTimeRightTally = Map<string, { decided: number; right: number }>

/**
 * Adds the workflow events of one task (`events`, that task's only) to `tally`: each revision a
 * person submitted counts once, as decided when it was sent back or finalized, and as right when
 * it was finalized with no request for changes in that revision. A person whose submissions are
 * all undecided is in the tally with zero decided.
 */
export function tallyFirstTimeRight(events: readonly WorkflowEvent[], tally: FirstTimeRightTally): void {
  // A task has few events: nested scans allocate nothing, which matters over 100,000 tasks.
  for (let i = 0; i < events.length; i++) {
    const e = events[i]
    if (e.action !== 'submit') continue
    let again = false
    for (let j = 0; j < i && !again; j++) again = events[j].action === 'submit' && events[j].by === e.by && events[j].revision === e.revision
    if (again) continue
    let sentBack = false
    let finalized = false
    for (const o of events) {
      if (o.revision !== e.revision) continue
      if (o.action === 'request_changes') sentBack = true
      else if (o.action === 'finalize') finalized = true
    }
    let counts = tally.get(e.by)
    if (!counts) tally.set(e.by, (counts = { decided: 0, right: 0 }))
    if (sentBack || finalized) counts.decided++
    if (!sentBack && finalized) counts.right++
  }
}

/** Each person's first-time-right from a tally: null for a person none of whose submissions was decided. */
export function firstTimeRightOf(tally: FirstTimeRightTally): Map<string, number | null> {
  const out = new Map<string, number | null>()
  for (const [user, { decided, right }] of tally) out.set(user, decided ? right / decided : null)
  return out
}

/**
 * First-time-right per person: over the task revisions they submitted that have since been
 * decided (finalized, or sent back with a request for changes), the share finalized with no
 * request for changes in that revision. A submission still waiting for the lead is not counted
 * either way. Null for a person none of whose submissions has been decided.
 */
export function firstTimeRightByUser(events: readonly WorkflowEvent[]): Map<string, number | null> {
  const byTask = new Map<string, WorkflowEvent[]>()
  for (const e of events) {
    const list = byTask.get(e.task)
    if (list) list.push(e)
    else byTask.set(e.task, [e])
  }
  const tally: FirstTimeRightTally = new Map()
  for (const list of byTask.values()) tallyFirstTimeRight(list, tally)
  return firstTimeRightOf(tally)
}

/** First-time-right of one person (see `firstTimeRightByUser`). */
export function firstTimeRight(events: readonly WorkflowEvent[], user: string): number | null {
  return firstTimeRightByUser(events).get(user) ?? null
}

/** One row of the quality table (`GET /api/quality`). */
export interface QualityRow {
  user: string
  name: string
  submitted: number
  gold_judged: number
  gold_tau_b: number | null
  gold_top1: number | null
  first_time_right: number | null
  median_active_minutes: number | null
  peer_tau_b: number | null
}

/** What one person's row is computed from. */
export interface QualityInput {
  user: string
  name: string
  /** Distinct tasks they submitted (a workflow submit, or a submitted ballot). */
  submitted: number
  gold: readonly GoldJudgment[]
  /** Their first-time-right (`firstTimeRightByUser`). */
  firstTimeRight: number | null
  /** Active milliseconds per task they worked on (above zero). */
  activeMs: readonly number[]
  /** Tau-b of their ballot against each other ballot on the same task; null outside independent mode. */
  peers: readonly (number | null)[] | null
}

/** Builds one row from its inputs. */
export function qualityRow(input: QualityInput): QualityRow {
  const minutes = median(input.activeMs.filter((ms) => ms > 0).map((ms) => ms / 60_000))
  return {
    user: input.user,
    name: input.name,
    submitted: input.submitted,
    ...goldSummary(input.gold),
    first_time_right: input.firstTimeRight,
    median_active_minutes: minutes,
    peer_tau_b: input.peers === null ? null : meanOf(input.peers),
  }
}

/**
 * The room ids of a gold ranking given as room ids or as import ids (blind batches give candidates
 * opaque room ids; the import ids are what the lead's files hold). Returns the ranking in room ids
 * or the problem: it must be a permutation of the task's candidates, one reading only.
 */
export function resolveGoldRanking(
  ranking: readonly string[],
  candidates: readonly { id: string; import_id?: string }[],
): { ranking: string[] } | { problem: string } {
  const roomIds = candidates.map((c) => c.id)
  const importIds = candidates.map((c) => c.import_id ?? c.id)
  const asRoom = permutationProblem(ranking, roomIds)
  const asImport = permutationProblem(ranking, importIds)
  if (asRoom === null && asImport === null) {
    const toRoom = new Map(importIds.map((id, i) => [id, roomIds[i]]))
    const mapped = ranking.map((id) => toRoom.get(id)!)
    if (mapped.some((id, i) => id !== ranking[i])) {
      return { problem: 'ranking is ambiguous: its ids name different candidates as room ids and as import ids' }
    }
    return { ranking: [...ranking] }
  }
  if (asRoom === null) return { ranking: [...ranking] }
  if (asImport === null) {
    const toRoom = new Map(importIds.map((id, i) => [id, roomIds[i]]))
    return { ranking: ranking.map((id) => toRoom.get(id)!) }
  }
  // Neither reading fits: name the problem of the one whose ids the task knows best.
  const knownIn = (ids: readonly string[]) => ranking.filter((id) => ids.includes(id)).length
  return { problem: knownIn(importIds) > knownIn(roomIds) ? asImport : asRoom }
}

/** Why `ranking` is not a permutation of `ids`, or null when it is. */
function permutationProblem(ranking: readonly string[], ids: readonly string[]): string | null {
  const known = new Set(ids)
  const seen = new Set<string>()
  for (const id of ranking) {
    if (!known.has(id)) return `ranking names "${id.slice(0, 80)}", which is not a candidate of this task (candidates: ${ids.join(', ')})`
    if (seen.has(id)) return `ranking names "${id}" twice`
    seen.add(id)
  }
  if (seen.size !== ids.length) {
    const missing = ids.filter((id) => !seen.has(id))
    return `ranking must place every candidate once; missing: ${missing.join(', ')}`
  }
  return null
}


/** `POST /api/tasks/:id/gold {ranking}`: candidate ids, best first. */
export const GoldRankingBodySchema = v.strictObject({
  ranking: v.pipe(
    v.array(v.pipe(v.string('every ranking entry must be a candidate id (a string)'), v.minLength(1), v.maxLength(64)), 'ranking must be an array of candidate ids'),
    v.minLength(1, 'ranking must not be empty'),
    v.maxLength(MAX_CANDIDATES, `ranking may name at most ${MAX_CANDIDATES} candidates`),
  ),
})

/** `POST /api/tasks/:id/gold {from_record: true}`: the latest finalized record's ranking. */
export const GoldFromRecordBodySchema = v.strictObject({
  from_record: v.literal(true, 'from_record must be true'),
})

/** `GET /api/quality`: the rows of one batch (or of every batch, `batch: null`), by name. */
export interface QualityReport {
  batch: string | null
  tasks: number
  gold_tasks: number
  annotators: QualityRow[]
}
