/**
 * Distributing a batch: every unfinished task gets `per_task` distinct annotators from a list,
 * balanced (shared/distribution.ts plans it), stored as one batch of assignments.
 *
 * Started work is never undone unless the lead asks (`reassign_started`). An assignee has started
 * a task when either
 * - the server measured active time above zero for them on the task (time on task, any revision:
 *   server/services/activity.ts), which an edit or a ballot touched for more than a moment gives; or
 * - the task is past `open` (in progress, submitted, changes requested): the work is under way, and
 *   the task record does not say whose edit moved it, so every current assignee counts as started.
 * Started assignees stay on the task even when not named, and the named ones count towards its
 * `per_task`. Finalized tasks are left alone.
 */
import { planDistribution } from '../../shared/distribution'
import type { DistributeResult, PlanTask } from '../../shared/distribution'
import { CodejuryError } from '../../shared/errors'
import { TaskStatus } from '../../shared/types'
import type { Task } from '../../shared/types'
import type { DistributeInput } from '../../shared/validation'
import type { RecordsDb } from '../storage/recordsDb'
import type { ActivityTracker } from './activity'
import { applyAssignments } from './tasks'
import type { TaskDeps } from './tasks'

export interface DistributeDeps extends TaskDeps {
  activity: Pick<ActivityTracker, 'totalsByTask'>
}


/** One distribution at a time per data directory: each plans from the assignments the last left. */
const chains = new WeakMap<RecordsDb, Promise<unknown>>()

export function distributeBatch(deps: DistributeDeps, batchName: string, input: DistributeInput): Promise<DistributeResult> {
  const previous = chains.get(deps.db) ?? Promise.resolve()
  const next = previous.catch(() => {}).then(() => distribute(deps, batchName, input))
  chains.set(deps.db, next)
  return next
}

async function distribute(deps: DistributeDeps, batchName: string, input: DistributeInput): Promise<DistributeResult> {
  const batch = deps.db.batch(batchName)
  if (!batch) throw new CodejuryError('not-found', `no batch "${batchName}"`)
  for (const id of input.annotators) {
    const user = deps.db.userById(id)
    if (!user) throw new CodejuryError('bad-input', `annotators: no user "${id}"`)
    if (user.role !== 'annotator') throw new CodejuryError('bad-input', `annotators: "${id}" is a ${user.role}, not an annotator`)
  }
  if (input.per_task > input.annotators.length) {
    throw new CodejuryError('bad-input', `per_task: ${input.per_task} is more than the ${input.annotators.length} annotator(s) named`)
  }
  const tasks: Task[] = []
  for (const t of deps.db.tasks) if (t.batch === batchName && t.status !== TaskStatus.finalized) tasks.push(t)
  // (task, user) pairs with active time; other batches' pairs are never looked up
  const active = new Set<string>()
  if (!input.reassign_started) for (const row of deps.activity.totalsByTask()) if (row.active_ms > 0) active.add(pairKey(row.task, row.user))
  const NONE: readonly string[] = []
  const startedOn = (t: Task): readonly string[] => {
    if (input.reassign_started || t.assignees.length === 0) return NONE
    if (t.status !== TaskStatus.open) return t.assignees
    return active.size ? t.assignees.filter((u) => active.has(pairKey(t.id, u))) : NONE
  }
  const planTasks: PlanTask[] = tasks.map((t) => ({ id: t.id, assignees: t.assignees, started: startedOn(t) }))
  const plan = planDistribution({ annotators: input.annotators, perTask: input.per_task, tasks: planTasks })
  const changes = new Map<string, string[]>()
  for (const t of tasks) {
    const after = plan.assignees.get(t.id)!
    if (after.length !== t.assignees.length || after.some((a, i) => a !== t.assignees[i])) changes.set(t.id, after)
  }
  await applyAssignments(deps, changes)
  if (batch.per_task !== input.per_task) await deps.db.putBatch({ ...batch, per_task: input.per_task, updatedAt: new Date().toISOString() })
  return {
    batch: batchName,
    tasks: tasks.length,
    per_task: input.per_task,
    loads: [...plan.loads].map(([annotator, n]) => ({ annotator, tasks: n })),
    kept: plan.kept,
    moved: plan.moved,
    added: plan.added,
  }
}

/** A (task, user) key; ids never hold a NUL. */
function pairKey(task: string, user: string): string {
  return `${task}\u0000${user}`
}
