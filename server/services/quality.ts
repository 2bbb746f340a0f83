/**
 * Annotator quality for one batch or every batch: who submitted what, agreement with gold, first
 * time right, time per task and agreement with peers. The figures are computed in
 * shared/quality.ts; this file gathers their inputs from the audit log, the records, the ballot
 * and workspace rooms, the activity tracker and the gold file.
 */
import { ballotTauB } from '../../shared/agreement'
import { readRanking } from '../../shared/ranking'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'
import { firstTimeRightOf, judgeAgainstGold, qualityRow, tallyFirstTimeRight } from '../../shared/quality'
import type { FirstTimeRightTally, GoldJudgment, QualityReport } from '../../shared/quality'
import type { RecordBallot } from '../../shared/record'
import type { Task } from '../../shared/types'
import type { RecordsDb } from '../storage/recordsDb'
import type { Gold } from '../storage/goldStore'
import type { SealedRecord } from '../storage/records'
import type { ReviewRecordStore } from '../storage/recordStores'
import type { Rooms } from '../sync/rooms'
import type { ActivityTracker } from './activity'
import { readBallot } from './records'
import type { WorkflowIndex } from './workflowIndex'
import type { RoomReadings } from './roomReadings'

/** What the quality figures are read from. */
export interface QualityDeps {
  db: RecordsDb
  rooms: Rooms
  records: ReviewRecordStore
  workflowIndex: WorkflowIndex
  roomReadings: RoomReadings
  activity: ActivityTracker
  gold: Gold
}

/** Pushes `value` onto the list `key` holds in `map`. */
function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** The latest record of a finalized task, or null. */
function latestRecord(records: ReviewRecordStore, task: Task): SealedRecord | null {
  if (task.status !== 'finalized') return null
  const revs = records.revisions(task.id)
  return revs.length ? records.read(task.id, revs[revs.length - 1]) : null
}

/**
 * The quality table of `batch` (null: every batch). Reads each independent task's submitted
 * ballots (from its record once finalized, else from the ballot rooms) and the shared ranking of
 * each collaborative gold task that exactly one annotator has active time on (over all its
 * revisions, from the tracker's running totals). Rooms are read live when loaded, else from
 * storage without loading them, and remembered per revision (roomReadings.ts); everything else comes from memory
 * and the shared index of the audit log's workflow lines. One pass over the tasks in scope; a
 * task outside the batch costs nothing.
 */
export async function qualityReport(deps: QualityDeps, batch: string | null): Promise<QualityReport> {
  const { db, rooms, records, activity } = deps
  const tasks = db.tasks.filter((t) => batch === null || t.batch === batch)
  const goldIds = deps.gold.taskIds()
  const annotatorIds = new Set(db.users.filter((u) => u.role === 'annotator').map((u) => u.id))
  const isAnnotator = (id: string) => annotatorIds.has(id)
  const modes = new Map(db.batches.map((b) => [b.name, b.mode]))
  const workflow = deps.workflowIndex.catchUp()

  const submitted = new Map<string, number>()
  const right: FirstTimeRightTally = new Map()
  const activeMs = new Map<string, number[]>()
  const gold = new Map<string, GoldJudgment[]>()
  const peers = new Map<string, (number | null)[]>()
  const people = new Set<string>()
  for (const task of tasks) {
    for (const a of task.assignees) if (isAnnotator(a)) people.add(a)
    const events = workflow.eventsOf(task.id)
    tallyFirstTimeRight(events, right)
    const submitters: string[] = []
    for (const e of events) if (e.action === 'submit' && !submitters.includes(e.by)) submitters.push(e.by)
    // Any frame a person sent to a task's rooms leaves a total (zero or more); active time is above zero.
    const totals = activity.totalsOf(task.id)
    if (totals) for (const [user, ms] of totals) if (ms > 0) push(activeMs, user, ms)
    const mode = modes.get(task.batch)
    const goldEntry = goldIds.has(task.id) ? deps.gold.get(task.id) : undefined
    if (mode === 'independent') {
      // A ballot nobody touched is not opened.
      const ballots = await submittedBallots(deps, task, latestRecord(records, task), (user) => totals?.has(user) ?? false)
      for (const b of ballots) {
        if (!submitters.includes(b.user)) submitters.push(b.user)
        if (goldEntry) push(gold, b.user, judgeAgainstGold(b.ranking, goldEntry.ranking))
        for (const other of ballots) if (other.user !== b.user) push(peers, b.user, ballotTauB(b.ranking, other.ranking))
      }
    } else if (goldEntry) {
      // Collaborative: the shared ranking speaks for one person only when they worked on it alone.
      const annotators = [...(totals ?? [])].filter(([user, ms]) => ms > 0 && isAnnotator(user)).map(([user]) => user)
      if (annotators.length === 1) {
        // Read only here: a record file is read (and verified) only for a gold task that judges someone.
        const record = latestRecord(records, task)
        const ids = task.candidates.map((c) => c.id)
        const ranking = record
          ? record.ranking
          : await deps.roomReadings.of(rooms, roomName.workspace(task.id), task.revision, (doc) => readRanking(getWorkspace(doc).ranking, ids))
        if (ranking.length) push(gold, annotators[0], judgeAgainstGold(ranking, goldEntry.ranking))
      }
    }
    for (const user of submitters) submitted.set(user, (submitted.get(user) ?? 0) + 1)
  }
  // Everyone who did something in scope: assigned, submitted, judged on gold, or active there.
  for (const id of [...submitted.keys(), ...gold.keys(), ...activeMs.keys()]) if (isAnnotator(id)) people.add(id)

  const anyIndependent = tasks.some((t) => modes.get(t.batch) === 'independent')
  const firstTimeRight = firstTimeRightOf(right)
  const rows = [...people].map((user) =>
    qualityRow({
      user,
      name: db.userById(user)?.name ?? user,
      submitted: submitted.get(user) ?? 0,
      gold: gold.get(user) ?? [],
      firstTimeRight: firstTimeRight.get(user) ?? null,
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
    const ballot = await deps.roomReadings.of(deps.rooms, roomName.ballot(task.id, user), task.revision, (doc) => readBallot(user, doc, task, batch))
    if (ballot) out.push(ballot)
  }
  return out
}
