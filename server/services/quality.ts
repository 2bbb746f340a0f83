/**
 * Annotator quality for one batch or every batch: who submitted what, agreement with gold, first
 * time right, time per task and agreement with peers. The figures are computed in
 * shared/quality.ts; this file gathers their inputs from the audit log, the records, the ballot
 * and workspace rooms, the activity tracker and the gold file.
 */
import { ballotTauB } from '../../shared/agreement'
import { roomName } from '../../shared/roomNames'
import { firstTimeRightByUser, judgeAgainstGold, qualityRow } from '../../shared/quality'
import type { GoldJudgment, QualityReport } from '../../shared/quality'
import type { RecordBallot } from '../../shared/record'
import type { Task } from '../../shared/types'
import type { Db } from '../storage/db'
import type { GoldStore } from '../storage/goldStore'
import type { RecordStore, SealedRecord } from '../storage/records'
import type { Rooms } from '../sync/rooms'
import type { ActivityTracker } from './activity'
import { readBallot } from './records'
import type { WorkflowIndex } from './workflowIndex'
import type { WorkspaceRankings } from './workspaceRankings'

/** What the quality figures are read from. */
export interface QualityDeps {
  db: Db
  rooms: Rooms
  records: RecordStore
  workflowIndex: WorkflowIndex
  workspaceRankings: WorkspaceRankings
  activity: ActivityTracker
  gold: GoldStore
}

/** Pushes `value` onto the list `key` holds in `map`. */
function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** The latest record of a finalized task, or null. */
function latestRecord(records: RecordStore, task: Task): SealedRecord | null {
  if (task.status !== 'finalized') return null
  const revs = records.revisions(task.id)
  return revs.length ? records.read(task.id, revs[revs.length - 1]) : null
}

/**
 * The quality table of `batch` (null: every batch). Reads each independent task's submitted
 * ballots (from its record once finalized, else from the ballot rooms, one at a time) and the
 * shared ranking of each collaborative gold task that exactly one annotator has active time on
 * (over all its revisions, from the tracker's totals); everything else comes from memory and the
 * audit log.
 */
export async function qualityReport(deps: QualityDeps, batch: string | null): Promise<QualityReport> {
  const { db, rooms, records, activity } = deps
  const tasks = db.tasks.filter((t) => batch === null || t.batch === batch)
  const inScope = new Set(tasks.map((t) => t.id))
  const goldIds = deps.gold.taskIds()
  const isAnnotator = (id: string) => db.userById(id)?.role === 'annotator'
  const modes = new Map(db.batches.map((b) => [b.name, b.mode]))

  const events = deps.workflowIndex.eventsOf(inScope)
  const submittedTasks = new Map<string, Set<string>>()
  const submittedBy = (user: string, task: string) => {
    const set = submittedTasks.get(user) ?? new Set<string>()
    set.add(task)
    submittedTasks.set(user, set)
  }
  for (const e of events) if (e.action === 'submit') submittedBy(e.by, e.task)

  // Any frame a person sent to a task's rooms leaves a row; a ballot nobody touched is not opened.
  const totals = activity.totalsByTask()
  const touched = new Set(totals.map((t) => `${t.task}\n${t.user}`))
  // Who has active time on each task (every revision): one pass, whatever the number of gold tasks.
  const activeOn = new Map<string, string[]>()
  for (const t of totals) if (t.active_ms > 0) push(activeOn, t.task, t.user)
  const gold = new Map<string, GoldJudgment[]>()
  const peers = new Map<string, (number | null)[]>()
  const people = new Set<string>()
  for (const task of tasks) {
    for (const a of task.assignees) if (isAnnotator(a)) people.add(a)
    const mode = modes.get(task.batch)
    const goldEntry = goldIds.has(task.id) ? deps.gold.get(task.id) : undefined
    if (mode === 'independent') {
      const ballots = await submittedBallots(deps, task, latestRecord(records, task), (user) => touched.has(`${task.id}\n${user}`))
      for (const b of ballots) {
        submittedBy(b.user, task.id)
        if (goldEntry) push(gold, b.user, judgeAgainstGold(b.ranking, goldEntry.ranking))
        for (const other of ballots) if (other.user !== b.user) push(peers, b.user, ballotTauB(b.ranking, other.ranking))
      }
    } else if (goldEntry) {
      // Collaborative: the shared ranking speaks for one person only when they worked on it alone.
      const workers = (activeOn.get(task.id) ?? []).filter(isAnnotator)
      if (workers.length !== 1) continue
      // Read only here: a record file is read (and verified) only for a gold task that judges someone.
      const record = latestRecord(records, task)
      const ranking = record ? record.ranking : await deps.workspaceRankings.of(rooms, task)
      if (ranking.length) push(gold, workers[0], judgeAgainstGold(ranking, goldEntry.ranking))
    }
  }

  const activeMs = new Map<string, number[]>()
  for (const total of totals) {
    if (inScope.has(total.task) && total.active_ms > 0) push(activeMs, total.user, total.active_ms)
  }
  // Everyone who did something in scope: assigned, submitted, judged on gold, or active there.
  for (const id of [...submittedTasks.keys(), ...gold.keys(), ...activeMs.keys()]) if (isAnnotator(id)) people.add(id)

  const anyIndependent = tasks.some((t) => modes.get(t.batch) === 'independent')
  const right = firstTimeRightByUser(events)
  const rows = [...people].map((user) =>
    qualityRow({
      user,
      name: db.userById(user)?.name ?? user,
      submitted: submittedTasks.get(user)?.size ?? 0,
      gold: gold.get(user) ?? [],
      firstTimeRight: right.get(user) ?? null,
      activeMs: activeMs.get(user) ?? [],
      peers: anyIndependent ? (peers.get(user) ?? []) : null,
    }),
  )
  rows.sort((a, b) => a.name.localeCompare(b.name) || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
  return { batch, tasks: tasks.length, gold_tasks: tasks.filter((t) => goldIds.has(t.id)).length, annotators: rows }
}

/**
 * The submitted ballots of an independent task: the record's once finalized, else the ballot
 * rooms' of the assignees who ever sent a frame to the task (a ballot is filled in over the wire).
 */
async function submittedBallots(
  deps: QualityDeps,
  task: Task,
  record: SealedRecord | null,
  touched: (user: string) => boolean,
): Promise<RecordBallot[]> {
  if (record) return record.ballots
  const batch = deps.db.batch(task.batch)
  const out: RecordBallot[] = []
  for (const user of task.assignees) {
    if (!touched(user)) continue
    const room = await deps.rooms.open(roomName.ballot(task.id, user))
    const ballot = readBallot(user, room.doc, task, batch)
    if (ballot) out.push(ballot)
  }
  return out
}
