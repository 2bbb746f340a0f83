/**
 * The tasks in every order the list serves, kept sorted as tasks change: one sorted array per
 * sort key, the tasks of each assignee and of each batch, and what `q` searches. Built once from
 * the stored tasks and maintained through `Db.onTasksChanged`, so a request never sorts.
 */
import { TaskStatus } from '../../shared/types'
import type { Task } from '../../shared/types'
import { taskTitle } from '../../shared/title'
import { isConversation } from '../../shared/types'
import type { Db, TaskChange } from '../storage/db'
import { TextMatches } from './textMatches'

/** One task as the index holds it; its key fields are a copy, so the old place can be found. */
export interface IndexEntry {
  /** Dense number of this entry, for per-request marks (never reused). */
  readonly slot: number
  task: Task
  id: string
  batch: string
  createdAt: string
  updatedAt: string
  /** The task's title (searched by `q`). */
  title: string
  /** The prompt's whole text (a conversation's messages joined), searched by `q`. */
  text: string
}

/** The orders an index keeps; the list's sorts read them forwards or backwards. */
export const IndexOrder = { created: 'created', updated: 'updated', id: 'id' } as const
export type IndexOrder = (typeof IndexOrder)[keyof typeof IndexOrder]

/** Code-unit order (not locale order): the same on every machine, and what cursors compare with. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The key of `e` in `order`, as cursors carry it. */
export function keyOf(order: IndexOrder, e: Pick<IndexEntry, 'id' | 'batch' | 'createdAt' | 'updatedAt'>): string[] {
  if (order === 'created') return [e.batch, e.createdAt, e.id]
  if (order === 'updated') return [e.updatedAt, e.id]
  return [e.id]
}

/** Compares two keys of one order field by field; ids make every key unique. */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = cmp(a[i], b[i])
    if (c) return c
  }
  return 0
}

const COMPARE: Record<IndexOrder, (a: IndexEntry, b: IndexEntry) => number> = {
  created: (a, b) => cmp(a.batch, b.batch) || cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id),
  updated: (a, b) => cmp(a.updatedAt, b.updatedAt) || cmp(a.id, b.id),
  id: (a, b) => cmp(a.id, b.id),
}

const ORDERS = Object.values(IndexOrder)

/** Changes at most this many are placed one by one; more are merged in one pass per order. */
const SPLICE_MAX = 64

/** The first position in `list` whose key is greater than `key` (or, `inclusive`, not less). */
export function positionAfter(list: readonly IndexEntry[], order: IndexOrder, key: readonly string[], inclusive = false): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const c = compareKeys(keyOf(order, list[mid]), key)
    if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Everything `q` is matched against, in one place (the search and the index agree). */
function searchFields(task: Task): { title: string; text: string } {
  const text = isConversation(task.prompt) ? task.prompt.map((m) => m.content).join('\n') : task.prompt
  return { title: taskTitle(task.prompt), text }
}

/** The list's index over one Db; `TaskIndex.of(db)` gives the one every route shares. */
export class TaskIndex {
  private static readonly byDb = new WeakMap<Db, TaskIndex>()

  /** The index of `db`, built on first use and kept current from then on. */
  static of(db: Db): TaskIndex {
    let index = TaskIndex.byDb.get(db)
    if (!index) TaskIndex.byDb.set(db, (index = new TaskIndex(db)))
    return index
  }

  private readonly byId = new Map<string, IndexEntry>()
  private readonly sorted = new Map<IndexOrder, IndexEntry[]>()
  private readonly assigned = new Map<string, Set<IndexEntry>>()
  private readonly batches = new Map<string, Set<IndexEntry>>()
  private nextSlot = 0
  /** Cached `q` results; search text never changes once a task is imported. */
  readonly matches = new TextMatches()

  private constructor(db: Db) {
    for (const task of db.tasks) this.add(task)
    for (const order of ORDERS) this.sorted.set(order, [...this.byId.values()].sort(COMPARE[order]))
    db.onTasksChanged((changes) => this.apply(changes))
  }

  /** Every task in `order`, ascending. Read only. */
  order(order: IndexOrder): readonly IndexEntry[] {
    return this.sorted.get(order)!
  }

  /** The tasks assigned to `userId` (empty for anyone else). Read only. */
  assignedTo(userId: string): ReadonlySet<IndexEntry> {
    return this.assigned.get(userId) ?? EMPTY
  }

  /** The tasks of `batch`. Read only. */
  inBatch(batch: string): ReadonlySet<IndexEntry> {
    return this.batches.get(batch) ?? EMPTY
  }

  entry(id: string): IndexEntry | undefined {
    return this.byId.get(id)
  }

  get size(): number {
    return this.byId.size
  }

  /** Slots handed out so far: per-request marks are this long. */
  get slots(): number {
    return this.nextSlot
  }

  private add(task: Task): IndexEntry {
    const e: IndexEntry = {
      slot: this.nextSlot++,
      task,
      id: task.id,
      batch: task.batch,
      createdAt: task.createdAt,
      updatedAt: task.updatedAt,
      ...searchFields(task),
    }
    this.byId.set(task.id, e)
    this.link(e)
    return e
  }

  private link(e: IndexEntry): void {
    for (const user of e.task.assignees) setOf(this.assigned, user).add(e)
    setOf(this.batches, e.batch).add(e)
  }

  private unlink(e: IndexEntry): void {
    for (const user of e.task.assignees) this.assigned.get(user)?.delete(e)
    this.batches.get(e.batch)?.delete(e)
  }

  /** Takes stored changes in: new tasks are placed, changed ones moved where their keys went. */
  private apply(changes: readonly TaskChange[]): void {
    // One place per task, whatever a batch of changes repeats: the latest state wins.
    const latest = new Map<string, Task>()
    for (const { after } of changes) latest.set(after.id, after)
    const updates: { e: IndexEntry; after: Task }[] = []
    const added: Task[] = []
    for (const after of latest.values()) {
      const e = this.byId.get(after.id)
      if (e) updates.push({ e, after })
      else added.push(after)
    }
    const shifted = new Map<IndexOrder, IndexEntry[]>()
    for (const order of ORDERS) {
      const moving = updates.filter((u) => compareKeys(keyOf(order, u.e), keyOf(order, u.after)) !== 0).map((u) => u.e)
      shifted.set(order, moving)
      // Few changes: take each out where its old key puts it, before any key is overwritten.
      if (moving.length + added.length <= SPLICE_MAX) {
        const list = this.sorted.get(order)!
        for (const e of moving) list.splice(positionAfter(list, order, keyOf(order, e), true), 1)
      }
    }
    for (const { e, after } of updates) {
      this.unlink(e)
      if (after.prompt !== e.task.prompt) {
        Object.assign(e, searchFields(after))
        this.matches.forget(e.slot)
      }
      e.task = after
      e.batch = after.batch
      e.createdAt = after.createdAt
      e.updatedAt = after.updatedAt
      this.link(e)
    }
    const fresh = added.map((t) => this.add(t))
    for (const order of ORDERS) {
      const moving = shifted.get(order)!
      const list = this.sorted.get(order)!
      if (moving.length + fresh.length <= SPLICE_MAX) {
        for (const e of [...moving, ...fresh]) list.splice(positionAfter(list, order, keyOf(order, e)), 0, e)
      } else {
        this.sorted.set(order, merge(list, new Set(moving), [...moving, ...fresh], COMPARE[order]))
      }
    }
  }
}

const EMPTY: ReadonlySet<IndexEntry> = new Set()

function setOf(map: Map<string, Set<IndexEntry>>, key: string): Set<IndexEntry> {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  return set
}

/** `list` without `removed`, with `added` merged in: one pass, plus sorting what was added. */
function merge(list: readonly IndexEntry[], removed: ReadonlySet<IndexEntry>, added: IndexEntry[], compare: (a: IndexEntry, b: IndexEntry) => number): IndexEntry[] {
  added.sort(compare)
  const out: IndexEntry[] = new Array(list.length - removed.size + added.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < list.length || j < added.length) {
    if (i < list.length && removed.has(list[i])) {
      i++
      continue
    }
    if (j >= added.length || (i < list.length && compare(list[i], added[j]) <= 0)) out[k++] = list[i++]
    else out[k++] = added[j++]
  }
  out.length = k
  return out
}

/** Per-status zeroes, for counting. */
export function zeroCounts(): Record<TaskStatus, number> {
  const counts = {} as Record<TaskStatus, number>
  for (const s of Object.values(TaskStatus)) counts[s] = 0
  return counts
}
