/**
 * Start-up recovery of finalizes: a record is finalized exactly when an audit line commits it
 * (storage/records.ts). Before the server serves anyone, a committed finalize whose task file or
 * meta room a crash or a full disk left behind is completed; a record file nothing committed is
 * moved aside, never served and never reused; and a record sealed before records were signed
 * (its task's status says finalized, no audit line names it) is checked and signed once.
 */
import { roomName } from '../../shared/roomNames'
import { WorkflowAction } from '../../shared/workflow'
import type { Task } from '../../shared/types'
import type { RecordsDb } from '../storage/recordsDb'
import type { ReviewRecordStore } from '../storage/recordStores'
import type { Rooms } from '../sync/rooms'
import type { Logger } from '../log'
import { writeMetaOf } from './workflow'

/** What recovery needs: the task files, the records, the rooms (for meta) and the log. */
export interface FinalizeRecoveryDeps {
  db: RecordsDb
  records: ReviewRecordStore
  rooms: Rooms
  log: Logger
}

/** What recovery did, for the log and for tests. */
export interface FinalizeRecovery {
  /** Tasks whose committed finalize was completed (task file and meta room). */
  completed: string[]
  /** Uncommitted record files moved aside: `task/revision → where they went`. */
  discarded: { task: string; revision: number; keptAs: string }[]
  /** Records from before signing, now signed and committed. */
  signed: { task: string; revision: number }[]
  /** Records from before signing that fail their hash: not signed, every read refused. */
  refused: { task: string; revision: number; problem: string }[]
}

/** True when a task's own status says `revision` was finalized (the rule before audit commits). */
function statusSaysFinalized(task: Task | undefined, revision: number): boolean {
  return task !== undefined && (task.revision > revision || (task.revision === revision && task.status === 'finalized'))
}

/** Runs once at start, before rooms serve anyone. */
export async function recoverFinalizes(deps: FinalizeRecoveryDeps): Promise<FinalizeRecovery> {
  const { db, records, rooms, log } = deps
  const done: FinalizeRecovery = { completed: [], discarded: [], signed: [], refused: [] }
  const uncommitted = records.uncommittedFiles()
  // Older records are signed in the order they were finalized, so their `seq` follows time.
  const legacy: { taskId: string; revision: number; at: string }[] = []
  for (const u of uncommitted) {
    const task = db.task(u.taskId)
    if (statusSaysFinalized(task, u.revision)) {
      legacy.push({ taskId: u.taskId, revision: u.revision, at: u.finalizedAt })
      continue
    }
    const keptAs = records.discard(u.file)
    done.discarded.push({ task: u.taskId, revision: u.revision, keptAs })
    log.warn('a review record whose finalize never committed was moved aside; it is never exported', {
      task: u.taskId,
      revision: u.revision,
      keptAs,
    })
  }
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)
  legacy.sort((a, b) => order(a.at, b.at) || order(a.taskId, b.taskId) || a.revision - b.revision)
  // Signing records nobody committed happens once per directory: afterwards such a record is a
  // forgery or damage (its audit line gone), and signing it would launder it.
  const upgrading = !records.upgraded
  for (const l of legacy) {
    const task = db.task(l.taskId)!
    let problem: string | null = 'no audit line commits it (records here are signed since the upgrade), so it was not signed'
    if (upgrading) {
      const from = task.status
      const entry = { by: 'server', by_name: 'codejury', role: 'server', action: 'sign-record', from, to: from }
      problem = records.upgrade(l.taskId, l.revision, entry)
    } else {
      records.refuse(l.taskId, l.revision, problem)
    }
    if (problem) {
      done.refused.push({ task: l.taskId, revision: l.revision, problem })
      log.error('a review record fails its check at start-up: it was not signed, and exports refuse it', problem, {
        task: l.taskId,
        revision: l.revision,
      })
    } else {
      done.signed.push({ task: l.taskId, revision: l.revision })
    }
  }
  if (upgrading) records.markUpgraded()
  if (done.signed.length) log.info('signed review records from before signing', { count: done.signed.length })
  for (const commit of records.commits()) {
    if (!commit.record_hash) continue // refused above: nothing to complete
    const task = db.task(commit.task)
    if (!task) {
      log.warn('a committed review record names a task that no longer exists', { task: commit.task, revision: commit.revision })
      continue
    }
    if (statusSaysFinalized(task, commit.revision)) continue
    let finalizedBy = 'server'
    try {
      finalizedBy = records.read(commit.task, commit.revision)?.finalized_by ?? finalizedBy
    } catch (err) {
      // Still committed: the status follows the commit, and every read of the record is refused.
      log.error('a committed review record fails its check', err, { task: commit.task, revision: commit.revision })
    }
    const updated = await db.updateTask(task.id, (t) => {
      t.status = 'finalized'
      t.revision = commit.revision
    })
    const by = db.userById(finalizedBy)
    const lastAction = { action: WorkflowAction.finalize, by: finalizedBy, by_name: by?.name ?? finalizedBy, at: commit.at }
    await rooms.transact(roomName.meta(task.id), (doc) => writeMetaOf(doc, updated, lastAction))
    done.completed.push(task.id)
    log.warn('completed a finalize that a crash or a full disk interrupted after its record committed', {
      task: task.id,
      revision: commit.revision,
    })
  }
  return done
}
