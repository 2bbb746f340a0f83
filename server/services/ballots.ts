/**
 * Independent-mode ballots on the server: reads each assignee's ballot room (opened, read, then
 * left to unload as the rooms service allows), seeds a ballot's per-candidate ratings maps,
 * records submissions and merges submitted ballots into the shared ranking (Borda) and rubric.
 */
import * as Y from 'yjs'
import { bordaMerge, mergeRatings } from '../../shared/agreement'
import type { BallotInput } from '../../shared/agreement'
import { BALLOT_SUBMIT_ACTION, ballotGaps, describeGaps, isBallotComplete, readSubmission, SubmissionKey } from '../../shared/ballots'
import type { Submission } from '../../shared/ballots'
import { CodejuryError } from '../../shared/errors'
import { isScoreOnScale, readBallot } from '../../shared/readers'
import type { Ratings } from '../../shared/readers'
import { readRanking } from '../../shared/ranking'
import { roomName } from '../../shared/roomNames'
import { getBallot, getWorkspace } from '../../shared/schema'
import type { Batch, Task } from '../../shared/types'
import type { AuditTrail } from '../storage/recordStores'
import type { RecordsDb, StoredUser } from '../storage/recordsDb'
import type { Rooms } from '../sync/rooms'

/** One assignee's ballot as the lead's views and the stats read it. */
export interface BallotView {
  user: string
  ranking: string[]
  ratings: Ratings
  complete: boolean
  submission: Submission | null
}

/** What the ballot service needs: the task files, the rooms and the audit log. */
export interface BallotDeps {
  db: RecordsDb
  rooms: Rooms
  audit: Pick<AuditTrail, 'append'>
  now?: () => Date
}


/** The batch of a task when it is in independent mode; a conflict otherwise. */
function independentBatch(db: RecordsDb, task: Task): Batch {
  const batch = db.batch(task.batch)
  if (batch?.mode !== 'independent') {
    throw new CodejuryError('conflict', `task ${task.id} is in a collaborative batch: it has no ballots`)
  }
  return batch
}

/** Ballot reads and writes; every write goes through `rooms.transact`, stored before it is relayed. */
export class BallotService {
  constructor(private readonly deps: BallotDeps) {}

  /** Every current assignee's ballot of `task`, in assignment order. */
  async read(task: Task, batch: Batch | undefined): Promise<BallotView[]> {
    const ids = task.candidates.map((c) => c.id)
    const criteria = batch?.rubric ?? []
    const out: BallotView[] = []
    // Read from storage unless loaded: a batch-wide read loads no room and holds one document at a time.
    for (const user of task.assignees) {
      const doc = await this.deps.rooms.readDoc(roomName.ballot(task.id, user))
      const content = readBallot(doc, task, criteria)
      out.push({
        user,
        ...content,
        complete: isBallotComplete(content, ids, criteria),
        submission: readSubmission(doc),
      })
    }
    return out
  }

  /** The task an annotator may act on their own ballot of; throws otherwise (404 hides others' tasks). */
  private ownTask(taskId: string, user: StoredUser): { task: Task; batch: Batch } {
    const task = this.deps.db.task(taskId)
    if (!task || (user.role === 'annotator' && !task.assignees.includes(user.id))) {
      throw new CodejuryError('not-found', 'no such task')
    }
    if (user.role !== 'annotator') throw new CodejuryError('forbidden', 'only an assigned annotator has a ballot')
    const batch = independentBatch(this.deps.db, task)
    if (task.status === 'finalized') throw new CodejuryError('conflict', 'the task is finalized; ballots are closed')
    return { task, batch }
  }

  /**
   * Creates the ballot's ratings map of every candidate that has none. The server is the only one
   * that creates them (two tabs creating one concurrently would lose one's scores), and it checks
   * and creates in one synchronous transaction, so it never makes two.
   */
  async prepare(taskId: string, user: StoredUser): Promise<void> {
    const { task } = this.ownTask(taskId, user)
    const name = roomName.ballot(task.id, user.id)
    const room = await this.deps.rooms.open(name)
    const ratings = getBallot(room.doc).ratings
    if (task.candidates.every((c) => ratings.get(c.id) instanceof Y.Map)) return
    await this.deps.rooms.transact(name, (doc) => {
      const map = getBallot(doc).ratings
      for (const c of task.candidates) if (!(map.get(c.id) instanceof Y.Map)) map.set(c.id, new Y.Map<number>())
    })
  }

  /** Marks the caller's ballot submitted; refused (409) unless it is complete. */
  async submit(taskId: string, user: StoredUser): Promise<Submission> {
    const { task, batch } = this.ownTask(taskId, user)
    const name = roomName.ballot(task.id, user.id)
    const room = await this.deps.rooms.open(name)
    const ids = task.candidates.map((c) => c.id)
    const content = readBallot(room.doc, task, batch.rubric)
    if (!isBallotComplete(content, ids, batch.rubric)) {
      throw new CodejuryError('conflict', describeGaps(ballotGaps(content, ids, batch.rubric)))
    }
    const submission = { submitted_at: (this.deps.now?.() ?? new Date()).toISOString(), by: user.id }
    // Logged first: a submit the log could not take fails before it changes anything.
    const logged = this.deps.audit.append({
      at: submission.submitted_at,
      by: user.id,
      by_name: user.name,
      role: user.role,
      task: task.id,
      action: BALLOT_SUBMIT_ACTION,
      from: 'draft',
      to: 'submitted',
      revision: task.revision,
    })
    if (logged instanceof Promise) await logged
    await this.deps.rooms.transact(name, (doc) => {
      const map = getBallot(doc).submission
      map.set(SubmissionKey.submitted_at, submission.submitted_at)
      map.set(SubmissionKey.by, submission.by)
    })
    return submission
  }

  /** Takes the caller's submission back, so they can change their ballot. */
  async withdraw(taskId: string, user: StoredUser): Promise<void> {
    const { task } = this.ownTask(taskId, user)
    await this.deps.rooms.transact(roomName.ballot(task.id, user.id), (doc) => {
      const map = getBallot(doc).submission
      for (const key of Object.values(SubmissionKey)) map.delete(key)
    })
  }

  /**
   * Seeds the workspace ranking with the Borda merge of the submitted ballots (ties by mean
   * rating, then task order) and its rubric with the lower median of their scores per candidate
   * and criterion (so it stays whole), in one server transaction. Refused (409) when nothing is
   * submitted, when the task is finalized, or when the shared ranking is not empty and `replace`
   * is false. Without `replace` a score the team already gave is kept; with it, overwritten.
   */
  async merge(taskId: string, replace: boolean): Promise<{ ranking: string[]; used: string[]; points: Record<string, number> }> {
    const task = this.deps.db.task(taskId)
    if (!task) throw new CodejuryError('not-found', 'no such task')
    const batch = independentBatch(this.deps.db, task)
    if (task.status === 'finalized') throw new CodejuryError('conflict', 'the task is finalized; reopen it first')
    const ids = task.candidates.map((c) => c.id)
    const submitted = (await this.read(task, batch)).filter((b) => b.submission && b.complete)
    if (!submitted.length) throw new CodejuryError('conflict', 'no ballot is submitted yet: there is nothing to merge')
    const inputs: BallotInput[] = submitted.map((b) => ({ user: b.user, ranking: b.ranking, ratings: b.ratings }))
    const rows = bordaMerge(inputs, ids, batch.rubric)
    const ranking = rows.map((r) => r.id)
    const ratings = mergeRatings(inputs, ids, batch.rubric)
    await this.deps.rooms.transact(roomName.workspace(task.id), (doc) => {
      const ws = getWorkspace(doc)
      // Checked inside the write, so nothing the team placed in between is overwritten unasked.
      if (this.deps.db.task(task.id)?.status === 'finalized') {
        throw new CodejuryError('conflict', 'the task was finalized meanwhile; reopen it first')
      }
      if (!replace && readRanking(ws.ranking, ids).length > 0) {
        throw new CodejuryError('conflict', 'the shared ranking is not empty; merge with ?replace=1 to overwrite it')
      }
      ws.ranking.delete(0, ws.ranking.length)
      ws.ranking.insert(0, ranking)
      for (const [id, scores] of ratings) {
        let row: unknown = ws.ratings.get(id)
        // The import made every candidate's map; one a writer replaced with a wrong type is remade.
        if (!(row instanceof Y.Map)) ws.ratings.set(id, (row = new Y.Map<number>()))
        const map = row as Y.Map<number>
        for (const k of batch.rubric) {
          const score = scores.get(k.id)
          if (score === undefined || (!replace && isScoreOnScale(k, map.get(k.id)))) continue
          map.set(k.id, score)
        }
      }
    })
    return {
      ranking,
      used: submitted.map((b) => b.user),
      points: Object.fromEntries(rows.map((r) => [r.id, r.points])),
    }
  }
}
