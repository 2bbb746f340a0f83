/**
 * The workflow lines of the audit log (submit, request for changes, finalize), indexed by task, and
 * the tasks each person submitted (their work or their ballot), kept up to date by reading only what the log gained since the last look (each
 * line is parsed once per server). The quality figures and the people summary both read it.
 */
import { BALLOT_SUBMIT_ACTION } from '../../shared/ballots'
import { WorkflowAction } from '../../shared/workflow'
import type { WorkflowEvent } from '../../shared/quality'
import { readAuditSince } from '../storage/audit'
import type { AuditCursor, AuditEntry } from '../storage/audit'

/** An audit log read incrementally: the lines since `cursor`, which it moves on (postgres/auditLog.ts). */
export interface AuditSince {
  readSince(cursor: AuditCursor): AuditEntry[]
}

const WORKFLOW_ACTIONS: ReadonlySet<string> = new Set([WorkflowAction.submit, WorkflowAction.request_changes, WorkflowAction.finalize])

const NO_EVENTS: readonly WorkflowEvent[] = Object.freeze([])

/** Workflow events per task and submitted tasks per person, from `dataDir`'s audit log (or another). */
export class WorkflowIndex {
  private readonly cursor: AuditCursor = new Map()
  /** task id → its workflow events, oldest first */
  private readonly byTask = new Map<string, WorkflowEvent[]>()
  /** user id → ids of the tasks they submitted (any revision, counted once) */
  private readonly submitted = new Map<string, Set<string>>()

  constructor(private readonly source: string | AuditSince) {}

  /** Reads the lines the log gained since the last call (a malformed line is skipped); returns this. */
  catchUp(): this {
    const lines = typeof this.source === 'string' ? readAuditSince(this.source, this.cursor) : this.source.readSince(this.cursor)
    for (const e of lines) {
      if (typeof e !== 'object' || e === null) continue
      const { task, revision, action, by } = e
      if (typeof task !== 'string' || typeof by !== 'string' || typeof action !== 'string') continue
      // A ballot's submit is a task submitted, not a step of the task's workflow.
      if (action === BALLOT_SUBMIT_ACTION) {
        this.noteSubmitted(by, task)
        continue
      }
      if (!WORKFLOW_ACTIONS.has(action) || typeof revision !== 'number') continue
      const event: WorkflowEvent = { task, revision, action, by }
      const list = this.byTask.get(task)
      if (list) list.push(event)
      else this.byTask.set(task, [event])
      if (action === WorkflowAction.submit) this.noteSubmitted(by, task)
    }
    return this
  }

  private noteSubmitted(by: string, task: string): void {
    let tasks = this.submitted.get(by)
    if (!tasks) this.submitted.set(by, (tasks = new Set()))
    tasks.add(task)
  }

  /** One task's workflow events, oldest first, as of the last `catchUp`. */
  eventsOf(taskId: string): readonly WorkflowEvent[] {
    return this.byTask.get(taskId) ?? NO_EVENTS
  }

  /** How many distinct tasks each person has submitted (their work or their ballot), over every batch. */
  counts(): Map<string, number> {
    this.catchUp()
    const out = new Map<string, number>()
    for (const [user, tasks] of this.submitted) out.set(user, tasks.size)
    return out
  }
}
