/** Batch statistics for the lead: agreement per task and per batch, throughput, active time. */
import { krippendorffAlphaOrdinal, meanTauB, rankUnits, splitPairs, top1Agreement } from '../../shared/agreement'
import type { BallotInput } from '../../shared/agreement'
import type { BatchStats, DayCount, PersonDay, TaskStats } from '../../shared/stats'
import type { Batch } from '../../shared/types'
import type { AuditTrail, ReviewRecordStore } from '../storage/recordStores'
import type { RecordsDb } from '../storage/recordsDb'
import type { Rooms } from '../sync/rooms'
import { dayOf } from './activity'
import type { ActivityTracker } from './activity'
import { BallotService } from './ballots'

/** What the stats read: tasks, ballot rooms, records and the activity tracker. */
export interface StatsDeps {
  db: RecordsDb
  rooms: Rooms
  records: ReviewRecordStore
  activity: ActivityTracker
  audit: AuditTrail
}

/**
 * Computes the stats of `batch` over the UTC days `from`…`to`. Ballot rooms are opened one task
 * at a time and left to unload when idle, so a large batch never stays loaded. Per-task entries
 * are kept only for tasks with a ballot; the rest are counted.
 */
export async function batchStats(deps: StatsDeps, batch: Batch, from: string, to: string): Promise<BatchStats> {
  const ballotService = new BallotService({ db: deps.db, rooms: deps.rooms, audit: deps.audit })
  const tasks = deps.db.tasks.filter((t) => t.batch === batch.name).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const rows: TaskStats[] = []
  let tauSum = 0
  let compared = 0
  // Alpha's reliability data: one unit per (task, candidate); coders are annotators by user id.
  const coders = new Map<string, number>()
  const units: Map<number, number>[] = []
  let alphaBallots = 0
  for (const task of tasks) {
    const ids = task.candidates.map((c) => c.id)
    const ballots = batch.mode === 'independent' ? await ballotService.read(task, batch) : []
    const placed: BallotInput[] = ballots.filter((b) => b.ranking.length > 0)
    const submitted = ballots.filter((b) => b.submission && b.complete).length
    const row: TaskStats = {
      id: task.id,
      status: task.status,
      revision: task.revision,
      assignees: [...task.assignees],
      ballots: placed.length,
      submitted,
      mean_tau_b: meanTauB(placed),
      top1_agreement: top1Agreement(placed),
      split_pairs: splitPairs(placed, ids).length,
    }
    // Only tasks with a ballot to show are listed: the answer grows with ballots, not with tasks.
    if (row.ballots > 0 || row.submitted > 0) rows.push(row)
    if (row.mean_tau_b !== null) {
      tauSum += row.mean_tau_b
      compared++
    }
    const complete = ballots.filter((b) => b.complete)
    alphaBallots += complete.length
    rankUnits(complete, ids).forEach((values) => {
      const unit = new Map<number, number>()
      values.forEach((v, k) => {
        if (v === null) return
        const user = complete[k].user
        if (!coders.has(user)) coders.set(user, coders.size)
        unit.set(coders.get(user)!, v)
      })
      // Alpha pairs values within a unit: one with fewer than two never counts, so it is not kept.
      if (unit.size >= 2) units.push(unit)
    })
  }
  const matrix = units.map((u) => Array.from({ length: coders.size }, (_v, k) => u.get(k) ?? null))
  const taskIds = new Set(tasks.map((t) => t.id))
  return {
    batch: batch.name,
    mode: batch.mode,
    from,
    to,
    tasks: rows,
    task_count: tasks.length,
    tasks_compared: compared,
    mean_tau_b: compared ? tauSum / compared : null,
    alpha_ordinal: krippendorffAlphaOrdinal(matrix),
    alpha_ballots: alphaBallots,
    finalized_per_day: finalizedPerDay(deps.records, [...taskIds], from, to),
    active_per_day: activePerDay(deps, taskIds, from, to),
  }
}

/** Finalized revisions per UTC day in the range, from the records' `finalized_at`, oldest first. */
function finalizedPerDay(records: ReviewRecordStore, taskIds: string[], from: string, to: string): DayCount[] {
  const counts = new Map<string, number>()
  for (const id of taskIds) {
    for (const rev of records.revisions(id)) {
      const record = records.read(id, rev)
      if (!record) continue
      const day = dayOf(Date.parse(record.finalized_at))
      if (day >= from && day <= to) counts.set(day, (counts.get(day) ?? 0) + 1)
    }
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, finalized]) => ({ day, finalized }))
}

/** Active time per person per UTC day on the batch's tasks, by name then day. */
function activePerDay(deps: StatsDeps, taskIds: Set<string>, from: string, to: string): PersonDay[] {
  const sums = new Map<string, PersonDay>()
  for (const r of deps.activity.daysBetween(from, to)) {
    if (!taskIds.has(r.task) || r.active_ms <= 0) continue
    const key = `${r.user}\n${r.day}`
    const row = sums.get(key)
    if (row) row.active_ms += r.active_ms
    else {
      const u = deps.db.userById(r.user)
      sums.set(key, { user: r.user, name: u?.name ?? r.user, role: u?.role ?? 'unknown', day: r.day, active_ms: r.active_ms })
    }
  }
  return [...sums.values()]
    .map((r) => ({ ...r, active_ms: Math.round(r.active_ms) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
}
