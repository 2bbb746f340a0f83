/**
 * An annotator's next task: the first of their assigned tasks, in the list's `created` order,
 * after a given one (wrapping around, never that one), that still needs their work — not
 * finalized, not submitted, and in an independent batch not one whose ballot they submitted.
 */
import { CodejuryError } from '../../shared/errors'
import type { RecordsDb } from '../storage/recordsDb'
import type { BallotSubmissions } from './ballotSubmissions'
import { keyOf } from './taskIndex'
import type { TaskIndex } from './taskIndex'

export interface NextTaskDeps {
  db: RecordsDb
  index: TaskIndex
  submissions: BallotSubmissions
}

/** Statuses in which an annotator has nothing left to do. */
const DONE = new Set(['finalized', 'submitted'])

/**
 * The id of `userId`'s next task, limited to `batch` when given, or null when none needs work.
 * `after` names the task to start after; a not-found error when no such task exists.
 */
export async function nextTask(deps: NextTaskDeps, userId: string, options: { batch?: string; after?: string }): Promise<string | null> {
  const { index } = deps
  const list = index.order('created')
  let start = 0
  let skip = -1
  if (options.after !== undefined) {
    const from = index.entry(options.after)
    if (!from) throw new CodejuryError('not-found', `no task ${options.after}`)
    skip = from.slot
    start = index.positionAfter('created', keyOf('created', from))
  }
  const mine = index.assignedTo(userId)
  const independent = new Map<string, boolean>()
  const isIndependent = (batch: string) => {
    let known = independent.get(batch)
    if (known === undefined) independent.set(batch, (known = deps.db.batch(batch)?.mode === 'independent'))
    return known
  }
  // Tasks are visited from `start` to the end, then from the top: the list wraps around.
  for (let n = 0; n < list.length; n++) {
    const slot = list[(start + n) % list.length]
    if (slot === skip || !mine.has(slot)) continue
    const e = index.at(slot)
    if (options.batch !== undefined && e.batch !== options.batch) continue
    if (DONE.has(e.task.status)) continue
    if (isIndependent(e.batch) && (await deps.submissions.submitted(e.id, userId))) continue
    // The await above may have let changes in: check the task as it is now.
    if (index.assignedTo(userId).has(slot) && !DONE.has(index.at(slot).task.status)) return e.id
  }
  return null
}
