/** Building review records from a task's rooms at finalize (exports read them: services/exportRecords.ts). */
import * as Y from 'yjs'
import { sealRecord, deriveChecks, readWorkspaceContent, readThreads, recordRuns } from '../../shared/record'
import type { Participant, RecordBallot, RecordThread, ReviewRecord, WorkspaceContent } from '../../shared/record'
import type { Batch, Task } from '../../shared/types'
import { importIdMap, labelsByImportId } from '../../shared/blind'
import { readSubmission } from '../../shared/ballots'
import type { StoredUser } from '../storage/recordsDb'
import type { EvidenceSource } from './evidence'

/** What a record is built from, read in one synchronous step at finalize. */
export interface RecordSource {
  task: Task
  batch: Batch | undefined
  content: WorkspaceContent
  threads: RecordThread[]
  ballots: RecordBallot[]
  participants: Participant[]
  finalizedBy: StoredUser
  finalizedAt: string
  /** The lead's written reason for finalizing against what the runs say. */
  overrideNote?: string
  /** Where the runs came from: the server's sandbox, or browsers (and why). */
  evidence?: EvidenceSource
}

/** Builds and seals the record of the task's current revision (docs/workflow.md#the-review-record). */
export function buildRecord(src: RecordSource): ReviewRecord {
  const { task, content } = src
  const ids = task.candidates.map((c) => c.id)
  // Only the evidence of this revision's own tests and code; stale runs never enter a record.
  const runs = recordRuns(content.runs, content.tests, content.solution, task.candidates)
  return sealRecord({
    task_id: task.id,
    revision: task.revision,
    batch: task.batch,
    prompt: task.prompt,
    language: task.language,
    entry_point: task.entry_point ?? null,
    candidates: task.candidates.map((c) => ({ id: c.id, code: c.code, ...(c.model !== undefined ? { model: c.model } : {}) })),
    ranking: content.ranking,
    ratings: content.ratings,
    explanation: content.explanation,
    solution: content.solution,
    tests: content.tests,
    runs,
    derived_checks: deriveChecks(runs, ids, content.ranking),
    threads: src.threads,
    ballots: src.ballots,
    participants: src.participants,
    finalized_by: src.finalizedBy.id,
    finalized_at: src.finalizedAt,
    // The scales the ratings were given on: exports normalise ratings by them, and a batch's
    // rubric may change after this revision was finalized.
    rubric: (src.batch?.rubric ?? []).map((k) => ({ id: k.id, name: k.name, description: k.description, min: k.min, max: k.max })),
    ...(src.overrideNote !== undefined ? { override_note: src.overrideNote } : {}),
    // Blind batches: the letters everyone saw, and the way from room ids back to import ids.
    ...(src.batch?.blind ? { labels: labelsByImportId(task) } : {}),
    ...(importIdMap(task.candidates) ? { import_ids: importIdMap(task.candidates) } : {}),
    ...(src.evidence ? { evidence: src.evidence } : {}),
  })
}

/** Reads the workspace and comments docs for the gate and the record. */
export function readTaskRooms(task: Task, batch: Batch | undefined, workspace: Y.Doc, comments: Y.Doc) {
  const ids = task.candidates.map((c) => c.id)
  return { content: readWorkspaceContent(workspace, ids, batch?.rubric ?? []), threads: readThreads(comments) }
}

/**
 * A ballot room read as the record keeps it: only a submitted ballot, as submitted (a submitted
 * ballot takes no writes until it is withdrawn, sync/writeRules.ts); null for any other.
 */
export function readBallot(userId: string, doc: Y.Doc, task: Task, batch: Batch | undefined): RecordBallot | null {
  if (readSubmission(doc) === null) return null
  const content = readWorkspaceContent(doc, task.candidates.map((c) => c.id), batch?.rubric ?? [])
  if (content.ranking.length === 0 && Object.keys(content.ratings).length === 0) return null
  return { user: userId, ranking: content.ranking, ratings: content.ratings }
}

/**
 * The participants of a revision: the people who worked on it (`worked`: active time above zero
 * or an edit in that revision, see ActivityTracker.workedOn), with their active time; nobody is
 * credited for being assigned or for finalizing. Ordered by user id so the record is deterministic.
 */
export function participantsOf(worked: Map<string, number>, userById: (id: string) => StoredUser | undefined): Participant[] {
  return [...worked.keys()]
    .sort()
    .map((id) => {
      const u = userById(id)
      return { user: id, name: u?.name ?? id, role: u?.role ?? 'unknown', active_ms: Math.round(worked.get(id) ?? 0) }
    })
}
