/**
 * The workflow on the server: applies the transitions of docs/workflow.md#states-and-actions to stored tasks, writes the meta
 * room every open page watches, logs every action to the audit log, seals the record on finalize
 * and asks live access to follow each status change. One action per task at a time.
 */
import type * as Y from 'yjs'
import { getMeta, getWorkspace, MetaKey } from '../../shared/schema'
import { parseRoomName, roomName } from '../../shared/roomNames'
import { CodejuryError } from '../../shared/errors'
import { SERVER } from '../../shared/origins'
import { canOverride, finalizeReasons, submitReasons, transition, WorkflowAction } from '../../shared/workflow'
import { currentRuns } from '../../shared/runs'
import { displayLabels, shownOrder } from '../../shared/blind'
import { readRuns, SOLUTION_RUN_KEY } from '../../shared/readers'
import { readWorkspaceContent, sha256Hex } from '../../shared/record'
import type { FinalizeReason, LastAction } from '../../shared/workflow'
import type { Task } from '../../shared/types'
import type { RecordsDb, StoredUser } from '../storage/recordsDb'
import type { SealedRecord } from '../storage/records'
import type { AuditTrail, ReviewRecordStore } from '../storage/recordStores'
import type { Rooms } from '../sync/rooms'
import type { Room } from '../sync/room'
import type { Logger } from '../log'
import type { ActivityTracker } from './activity'
import { buildRecord, participantsOf, readBallot, readTaskRooms } from './records'
import { finalizeEvidence, storeServerRuns, type EvidenceService, type FinalEvidence } from './evidence'

/** Live access: downgrades or upgrades open connections after a status change (LiveAccess). */
export interface AccessRefresher {
  refresh(scope: { taskId?: string; userId?: string }): void
  /** Every room of the task read-only while it is finalized; `unseal` gives back what the records say. */
  seal(taskId: string): void
  unseal(taskId: string): void
}

/** What the workflow writes to: the task files, the rooms, the records, the audit log. */
export interface WorkflowDeps {
  db: RecordsDb
  rooms: Rooms
  records: ReviewRecordStore
  audit: AuditTrail
  activity: ActivityTracker
  log: Logger
  access?: AccessRefresher
  /** The server's own test runs; without it the record's evidence is browser-reported. */
  evidence?: EvidenceService
  /**
   * Several instances: seals the finalized rooms at the room log itself, so no instance can append
   * to them until `unseal`, and tells the others to make their editors read-only.
   */
  fence?: FinalizeFence
  now?: () => Date
}

/** Finalize's seal where instances share the rooms (sharedEngines.ts). */
export interface FinalizeFence {
  seal(taskId: string, rooms: readonly string[]): Promise<void>
  unseal(taskId: string): Promise<void>
}

/** The outcome of an action: the task after it, the record of a finalize, or why finalize waits. */
export type ActionResult =
  | { ok: true; task: Task; record?: SealedRecord }
  | { ok: false; reasons: FinalizeReason[] }

/** The one place workflow actions happen; the routes, the CLI (through them) and room changes call it. */
export class Workflow {
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor(private readonly deps: WorkflowDeps) {}

  /** Resolves once every action under way has finished (shutdown waits for it before rooms close). */
  async settle(): Promise<void> {
    while (this.queues.size) await Promise.all(this.queues.values())
  }

  /** Runs `fn` after every earlier action on the same task has finished. */
  private serialize<T>(taskId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(taskId) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const settled = next.catch(() => undefined)
    this.queues.set(taskId, settled)
    void settled.then(() => {
      if (this.queues.get(taskId) === settled) this.queues.delete(taskId)
    })
    return next
  }

  /**
   * Takes `action` on a task as `user`. Throws CodejuryError: not-found for a task the user cannot
   * see, forbidden for the wrong person, conflict for the wrong state. A finalize whose gate
   * fails returns its reasons and changes nothing.
   */
  act(taskId: string, action: WorkflowAction, user: StoredUser, message?: string, overrideNote?: string): Promise<ActionResult> {
    return this.serialize(taskId, async () => {
      const task = this.deps.db.task(taskId)
      const assigned = task?.assignees.includes(user.id) ?? false
      if (!task || (user.role === 'annotator' && !assigned)) throw new CodejuryError('not-found', 'no such task')
      const step = transition(task.status, action, { role: user.role, assigned })
      if (!step.ok) throw new CodejuryError(step.refusal, step.message)
      if (action === WorkflowAction.finalize) return this.finalize(task, user, overrideNote)
      if (action === WorkflowAction.submit) {
        const reasons = await this.submitGate(task)
        if (reasons.length) return { ok: false, reasons }
      }
      return { ok: true, task: await this.apply(task, action, user, message) }
    })
  }

  /**
   * Why the annotator's part is not done yet (empty when it is): submit is refused with these, in
   * finalize's shape. Reads the workspace as the server holds it, never what a page says.
   */
  private async submitGate(task: Task) {
    const workspace = await this.deps.rooms.open(roomName.workspace(task.id))
    const batch = this.deps.db.batch(task.batch)
    const criteria = batch?.rubric ?? []
    const blind = batch?.blind ?? false
    // Reasons name candidates in the order the page shows them, never the import order.
    const ids = shownOrder(task, blind)
    return submitReasons({ candidates: ids, criteria, labels: displayLabels(task, blind), ...readWorkspaceContent(workspace.doc, ids, criteria) })
  }

  /**
   * Moves a task to in progress after an assignee's first edit while it is open or sent back
   * (Rooms onChange: the room stored a change; the activity tracker knows who sent one just now).
   */
  onRoomChange(room: Room): void {
    const parsed = parseRoomName(room.name)
    if (!parsed || parsed.kind !== 'workspace') return
    const task = this.deps.db.task(parsed.taskId)
    if (!task || (task.status !== 'open' && task.status !== 'changes_requested')) return
    const editor = task.assignees.find((id) => this.deps.activity.editedRecently(id, task.id))
    const user = editor ? this.deps.db.userById(editor) : undefined
    if (!user) return
    this.act(task.id, WorkflowAction.start, user).catch((err) => {
      if (!(err instanceof CodejuryError)) this.deps.log.error('starting a task failed', err, { task: task.id })
    })
  }

  /**
   * Seals the record when the gate passes. Reasons from the runs (a suite failing the reference, a
   * ranking the runs contradict) give way to a written `overrideNote`, which the record keeps;
   * missing work never does.
   */
  private async finalize(task: Task, user: StoredUser, overrideNote?: string): Promise<ActionResult> {
    const { db, rooms, records } = this.deps
    const batch = db.batch(task.batch)
    // Load every room first, so the work is read from documents that are all there.
    const [workspace, comments, meta] = await Promise.all([
      rooms.open(roomName.workspace(task.id)),
      rooms.open(roomName.comments(task.id)),
      rooms.open(roomName.meta(task.id)),
    ])
    const ballots =
      batch?.mode === 'independent'
        ? await Promise.all(task.assignees.map(async (id) => ({ id, room: await rooms.open(roomName.ballot(task.id, id)) })))
        : []
    const fresh = db.task(task.id)
    if (!fresh || fresh.status === 'finalized' || fresh.revision !== task.revision) {
      throw new CodejuryError('conflict', 'the task changed while it was being finalized; try again')
    }
    const ids = task.candidates.map((c) => c.id)
    const code = new Map(task.candidates.map((c) => [c.id, c.code]))
    // The server's own runs, once it has made them, are the only evidence the gate and record weigh.
    let evidence: FinalEvidence | null = null
    const gate = () => {
      const { content, threads } = readTaskRooms(task, batch, workspace.doc, comments.doc)
      // Only runs of the current tests and code count; a stale run is no evidence.
      const runs = evidence?.runs ?? currentRuns(
        readRuns(getWorkspace(workspace.doc).runs, ids),
        content.tests,
        (key) => (key === SOLUTION_RUN_KEY ? content.solution : code.get(key)),
        sha256Hex,
      )
      const labels = displayLabels(task, batch?.blind ?? false)
      const candidates = shownOrder(task, batch?.blind ?? false)
      const all = finalizeReasons({ candidates, criteria: batch?.rubric ?? [], labels, ...content, threads, runs })
      const overridden = overrideNote !== undefined && canOverride(all)
      return { content, threads, reasons: overridden ? [] : all }
    }
    // A refusal changes nothing, not even for a moment: nobody is made read-only to be told no.
    let first = gate()
    const steps = this.deps.evidence ? finalizeEvidence(this.deps.evidence) : null
    if (steps && !first.reasons.some((r) => !r.overridable)) {
      // Run before the seal, so a slow suite never freezes the rooms; what the runs say is then gated.
      evidence = await steps.beforeSeal(task, first.content)
      await this.showServerRuns(task.id, evidence)
      first = gate()
    }
    if (first.reasons.length) return { ok: false, reasons: first.reasons }
    // From here until the finalized status is stored, every room of the task is read-only: the
    // work read now is exactly what the record holds, whatever arrives while the files are written.
    // Where instances share the rooms, the log refuses every append to them, and each room is
    // brought up to what the log holds before it is read.
    this.deps.access?.seal(task.id)
    const fenced = [workspace, comments, ...ballots.map((b) => b.room)].map((r) => r.name)
    // Runs the sealed texts gave that differ from those shown; shown once the rooms take writes again.
    let rerun: FinalEvidence | null = null
    try {
      if (this.deps.fence) {
        await this.deps.fence.seal(task.id, fenced)
        await Promise.all(fenced.map((name) => rooms.catchUp(name)))
      }
      // The sealed texts again: the same runs at once if nothing changed since, a rerun if it did.
      if (steps) {
        const before = evidence
        evidence = await steps.afterSeal(task, readTaskRooms(task, batch, workspace.doc, comments.doc).content)
        if (JSON.stringify(before?.runs) !== JSON.stringify(evidence.runs)) rerun = evidence
      }
      const { content, threads, reasons } = gate()
      if (reasons.length) return { ok: false, reasons }
      // The commit: record file, then the audit line that names it, in one synchronous step
      // (records.ts), or one transaction (postgres/reviewRecords.ts). A failure there (a full
      // disk: 507) leaves nothing committed.
      const committed = records.commit(
        (finalizedAt) =>
          buildRecord({
            task,
            batch,
            content: evidence?.runs ? { ...content, runs: evidence.runs } : content,
            ...(evidence ? { evidence: evidence.source } : {}),
            threads,
            ballots: ballots.flatMap(({ id, room }) => readBallot(id, room.doc, task, batch) ?? []),
            participants: participantsOf(this.deps.activity.workedOn(task.id, task.revision), (id) => db.userById(id)),
            finalizedBy: user,
            finalizedAt,
            // A note given with nothing to override is kept too: the lead wrote it for the record.
            ...(overrideNote !== undefined ? { overrideNote } : {}),
          }),
        { by: user.id, by_name: user.name, role: user.role, action: WorkflowAction.finalize, from: task.status, to: 'finalized' },
        this.deps.now?.() ?? new Date(),
      )
      const record = committed instanceof Promise ? await committed : committed
      const saved = await this.afterCommit(task, user, record, meta.doc)
      return { ok: true, task: saved, record }
    } finally {
      if (this.deps.fence) {
        await this.deps.fence.unseal(task.id).catch((err) => this.deps.log.error('unsealing finalized rooms failed', err, { task: task.id }))
      }
      this.deps.access?.unseal(task.id)
      if (rerun) await this.showServerRuns(task.id, rerun)
    }
  }

  /**
   * Puts finalize's server runs in the workspace's `server_runs`, so the room shows the evidence
   * the gate weighed (a refusal's too) beside the browsers' runs. Showing them is not part of the
   * finalize: a failure to store them is logged and changes nothing else.
   */
  private async showServerRuns(taskId: string, evidence: FinalEvidence | null): Promise<void> {
    const runs = evidence?.runs
    if (!runs) return
    try {
      await this.deps.rooms.transact(roomName.workspace(taskId), (doc) => storeServerRuns(doc, new Map(Object.entries(runs))))
    } catch (err) {
      this.deps.log.error('storing the server runs of a finalize failed', err, { task: taskId })
    }
  }

  /**
   * Follows a committed finalize: the task file, the meta room, live access. Nothing here can
   * undo the commit: a task file that cannot be written (a full disk) is served finalized from
   * memory, and the next start rewrites it from the audit line (finalizeRecovery.ts).
   */
  private async afterCommit(task: Task, user: StoredUser, record: SealedRecord, metaDoc: Y.Doc): Promise<Task> {
    const updated = await this.deps.db.updateTaskCommitted(
      task.id,
      (t) => {
        t.status = 'finalized'
        t.revision = record.revision
      },
      (err) => this.deps.log.error('storing a finalized task failed after its record committed; serving it finalized', err, { task: task.id }),
    )
    const lastAction: LastAction = { action: WorkflowAction.finalize, by: user.id, by_name: user.name, at: record.finalized_at }
    try {
      metaDoc.transact(() => writeMetaOf(metaDoc, updated, lastAction), SERVER)
    } catch (err) {
      this.deps.log.error('writing the meta room after a finalize failed', err, { task: task.id })
    }
    this.refreshAccess(task.id)
    return updated
  }

  /**
   * Writes one transition: the audit log, the task file (stored before memory changes), then the
   * meta room and live access.
   */
  private async apply(task: Task, action: WorkflowAction, user: StoredUser, message?: string): Promise<Task> {
    const step = transition(task.status, action, { role: user.role, assigned: task.assignees.includes(user.id) })
    if (!step.ok) throw new CodejuryError(step.refusal, step.message)
    const from = task.status
    const at = this.now()
    const lastAction: LastAction = { action, by: user.id, by_name: user.name, at, ...(message ? { message } : {}) }
    const revision = task.revision + (step.revisionBump ? 1 : 0)
    // Logged first: an action the audit log could not take fails before it changes anything.
    const logged = this.deps.audit.append({
      at,
      by: user.id,
      by_name: user.name,
      role: user.role,
      task: task.id,
      action,
      from,
      to: step.status,
      revision,
      ...(message ? { message } : {}),
    })
    if (logged instanceof Promise) await logged
    // Stored before anyone is told: the meta room and live access follow the task file.
    const updated = await this.deps.db.updateTask(task.id, (t) => {
      t.status = step.status
      t.revision = revision
    })
    this.refreshAccess(task.id)
    await this.deps.rooms.transact(roomName.meta(task.id), (doc) => writeMetaOf(doc, updated, lastAction))
    return updated
  }

  private refreshAccess(taskId: string): void {
    try {
      this.deps.access?.refresh({ taskId })
    } catch (err) {
      this.deps.log.error('refreshing live access failed', err, { task: taskId })
    }
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString()
  }
}

/** Writes the meta room from a stored task and its last action (the workflow and start-up recovery). */
export function writeMetaOf(doc: Y.Doc, task: Task, lastAction: LastAction): void {
  const meta = getMeta(doc)
  meta.set(MetaKey.status, task.status)
  meta.set(MetaKey.revision, task.revision)
  meta.set(MetaKey.assignees, [...task.assignees])
  meta.set(MetaKey.last_action, lastAction)
  meta.set(MetaKey.finalized_at, task.status === 'finalized' ? lastAction.at : null)
}
