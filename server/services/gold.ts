/**
 * Gold tasks: the lead marks a task as gold with its true ranking (given, or the latest finalized
 * record's), unmarks it, and reads it. Each change is logged to the audit log first (an action the
 * log could not take fails before it changes anything), then stored in the gold file, which
 * nothing serving a task reads (storage/goldStore.ts).
 */
import { CodejuryError } from '../../shared/errors'
import { importIdOf } from '../../shared/blind'
import { resolveGoldRanking } from '../../shared/quality'
import type { Task } from '../../shared/types'
import type { AuditTrail, ReviewRecordStore } from '../storage/recordStores'
import type { RecordsDb, StoredUser } from '../storage/recordsDb'
import type { Gold, GoldEntry } from '../storage/goldStore'

/** What the gold service reads and writes. */
export interface GoldDeps {
  db: RecordsDb
  records: ReviewRecordStore
  gold: Gold
  audit: AuditTrail
  now?: () => Date
}

/** A gold task as the lead reads it: the ranking in room ids and in import ids. */
export interface GoldView extends GoldEntry {
  import_ranking: string[]
}

/** What the lead asks for: a ranking, or the latest finalized record's. */
export type GoldRequest = { ranking: string[] } | { from_record: true }

/** Audit actions of gold changes. */
export const GoldAction = { mark: 'mark_gold', unmark: 'unmark_gold' } as const

export class GoldService {
  constructor(private readonly deps: GoldDeps) {}

  private task(taskId: string): Task {
    const task = this.deps.db.task(taskId)
    if (!task) throw new CodejuryError('not-found', 'no such task')
    return task
  }

  private view(task: Task, entry: GoldEntry | undefined): GoldView | null {
    if (!entry) return null
    const toImport = new Map(task.candidates.map((c) => [c.id, importIdOf(c)]))
    return { ...entry, import_ranking: entry.ranking.map((id) => toImport.get(id) ?? id) }
  }

  /** The task's gold, or null when it is not gold; not-found for an unknown task. */
  read(taskId: string): GoldView | null {
    const task = this.task(taskId)
    return this.view(task, this.deps.gold.get(task.id))
  }

  /** Marks a task as gold (replacing an earlier gold ranking); bad-input or conflict change nothing. */
  async mark(taskId: string, request: GoldRequest, user: StoredUser): Promise<GoldView> {
    const task = this.task(taskId)
    let given: readonly string[]
    let revision: number | undefined
    if ('from_record' in request) {
      const revs = this.deps.records.revisions(task.id)
      const record = task.status === 'finalized' && revs.length ? this.deps.records.read(task.id, revs[revs.length - 1]) : null
      if (!record) throw new CodejuryError('conflict', `task ${task.id} is not finalized: there is no record to take the gold ranking from`)
      given = record.ranking
      revision = record.revision
    } else {
      given = request.ranking
    }
    const resolved = resolveGoldRanking(given, task.candidates)
    if ('problem' in resolved) {
      throw new CodejuryError('from_record' in request ? 'conflict' : 'bad-input', resolved.problem)
    }
    const at = (this.deps.now?.() ?? new Date()).toISOString()
    const entry: GoldEntry = {
      task: task.id,
      ranking: resolved.ranking,
      by: user.id,
      by_name: user.name,
      at,
      source: 'from_record' in request ? 'record' : 'ranking',
      ...(revision !== undefined ? { revision } : {}),
    }
    const marked = this.deps.audit.append({
      at,
      by: user.id,
      by_name: user.name,
      role: user.role,
      task: task.id,
      action: GoldAction.mark,
      from: this.deps.gold.has(task.id) ? 'gold' : 'not_gold',
      to: 'gold',
      revision: task.revision,
      message: `gold ranking ${resolved.ranking.join(' > ')}${revision !== undefined ? ` from the record of revision ${revision}` : ''}`,
    })
    if (marked instanceof Promise) await marked
    await this.deps.gold.set(entry)
    return this.view(task, entry)!
  }

  /** Unmarks a task; returns whether it was gold (unmarking a task that is not gold changes nothing). */
  async unmark(taskId: string, user: StoredUser): Promise<boolean> {
    const task = this.task(taskId)
    if (!this.deps.gold.has(task.id)) return false
    const unmarked = this.deps.audit.append({
      at: (this.deps.now?.() ?? new Date()).toISOString(),
      by: user.id,
      by_name: user.name,
      role: user.role,
      task: task.id,
      action: GoldAction.unmark,
      from: 'gold',
      to: 'not_gold',
      revision: task.revision,
    })
    if (unmarked instanceof Promise) await unmarked
    return this.deps.gold.delete(task.id)
  }
}
