/**
 * The tasks in every order the list serves, kept sorted as tasks change: one sorted array per
 * sort key, the tasks of each assignee and of each batch, and what `q` searches. Built once from
 * the stored tasks and maintained through `RecordsDb.onTasksChanged`, so a request never sorts.
 */
import { TaskStatus } from '../../shared/types'
import type { Task } from '../../shared/types'
import { taskTitle } from '../../shared/title'
import { isConversation } from '../../shared/types'
import type { RecordsDb, TaskChange } from '../storage/recordsDb'
import { TextMatches } from './textMatches'
import { TrigramFilter } from './trigramFilter'
import { ShortTextFilter } from './shortTextFilter'
import type { TextFilter } from './textMatches'

/** One task as the index holds it; its key fields are a copy, so the old place can be found. */
export interface IndexEntry {
  /** Dense number of this entry: its place in the columns and per-request marks (never reused). */
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

/** Everything `q` is matched against, in one place (the search and the index agree). */
function searchFields(task: Task): { title: string; text: string } {
  const text = isConversation(task.prompt) ? task.prompt.map((m) => m.content).join('\n') : task.prompt
  return { title: taskTitle(task.prompt), text }
}

/** Column arrays grow by this factor when slots run out. */
const GROWTH = 2

/** Status codes for the per-slot column: an index into STATUSES. */
export const STATUSES = Object.values(TaskStatus)
const STATUS_CODE = new Map<string, number>(STATUSES.map((s, i) => [s, i]))

/**
 * The list's index over one RecordsDb; `TaskIndex.of(db)` gives the one every route shares. Tasks are
 * numbered by slot; the hot loops read slot numbers and typed columns (status, batch), never
 * the task objects, so a pass over 100,000 tasks stays in a few hundred kilobytes.
 */
export class TaskIndex {
  private static readonly byDb = new WeakMap<RecordsDb, TaskIndex>()

  /** The index of `db`, built on first use and kept current from then on. */
  static of(db: RecordsDb): TaskIndex {
    let index = TaskIndex.byDb.get(db)
    if (!index) TaskIndex.byDb.set(db, (index = new TaskIndex(db)))
    return index
  }

  private readonly byId = new Map<string, IndexEntry>()
  private readonly bySlot: IndexEntry[] = []
  private readonly sorted = new Map<IndexOrder, number[]>()
  private readonly assigned = new Map<string, Set<number>>()
  private readonly batchCodes = new Map<string, number>()
  /** Per slot: the task's status as an index into STATUSES. */
  statusColumn = new Uint8Array(1024)
  /** Per slot: the task's batch as a number (batchCode). */
  batchColumn = new Int32Array(1024)
  /** Cached `q` results; search text never changes once a task is imported. */
  readonly matches = new TextMatches()
  /** Which trigrams each task's searchable text holds: most tasks are ruled out without reading it. */
  private readonly trigrams = new TrigramFilter()
  /** Which one and two characters each task's searchable text holds: short searches read no text. */
  private readonly shortText = new ShortTextFilter()

  private constructor(db: RecordsDb) {
    for (const task of db.tasks) this.add(task)
    for (const order of ORDERS) this.sorted.set(order, this.bySlot.map((e) => e.slot).sort(this.compareSlots(order)))
    db.onTasksChanged((changes) => this.apply(changes))
  }

  private compareSlots(order: IndexOrder): (a: number, b: number) => number {
    const compare = COMPARE[order]
    return (a, b) => compare(this.bySlot[a], this.bySlot[b])
  }

  /** What the filters can tell of `q` without reading text, or null when they cannot. */
  textFilter(q: string): TextFilter | null {
    return this.trigrams.tester(q) ?? this.shortText.tester(q)
  }

  private setFilters(e: IndexEntry): void {
    const texts = [e.id, e.title, e.text]
    this.trigrams.set(e.slot, texts)
    this.shortText.set(e.slot, texts)
  }

  /** Every task's slot in `order`, ascending. Read only. */
  order(order: IndexOrder): readonly number[] {
    return this.sorted.get(order)!
  }

  /** The slots of the tasks assigned to `userId` (empty for anyone else). Read only. */
  assignedTo(userId: string): ReadonlySet<number> {
    return this.assigned.get(userId) ?? EMPTY
  }

  /** How many tasks each batch holds (batches with none are absent): one pass over a column. */
  batchCounts(): Map<string, number> {
    const perCode = new Int32Array(this.batchCodes.size)
    for (let slot = 0; slot < this.bySlot.length; slot++) perCode[this.batchColumn[slot]]++
    const out = new Map<string, number>()
    for (const [name, code] of this.batchCodes) if (perCode[code] > 0) out.set(name, perCode[code])
    return out
  }

  /** The number batchColumn holds for `batch`, or -1 when no task is in it. */
  batchCode(batch: string): number {
    return this.batchCodes.get(batch) ?? -1
  }

  entry(id: string): IndexEntry | undefined {
    return this.byId.get(id)
  }

  at(slot: number): IndexEntry {
    return this.bySlot[slot]
  }

  get size(): number {
    return this.byId.size
  }

  /** Slots handed out so far (no task is ever removed, so every slot below is a task). */
  get slots(): number {
    return this.bySlot.length
  }

  /** The first position in `list` whose key is greater than `key` (or, `inclusive`, not less). */
  positionAfter(order: IndexOrder, key: readonly string[], inclusive = false): number {
    const list = this.order(order)
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const c = compareKeys(keyOf(order, this.bySlot[list[mid]]), key)
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private add(task: Task): IndexEntry {
    const e: IndexEntry = {
      slot: this.bySlot.length,
      task,
      id: task.id,
      batch: task.batch,
      createdAt: task.createdAt,
      updatedAt: task.updatedAt,
      ...searchFields(task),
    }
    this.byId.set(task.id, e)
    this.bySlot.push(e)
    this.setFilters(e)
    if (e.slot >= this.statusColumn.length) {
      const status = new Uint8Array(this.statusColumn.length * GROWTH)
      status.set(this.statusColumn)
      this.statusColumn = status
      const batch = new Int32Array(this.batchColumn.length * GROWTH)
      batch.set(this.batchColumn)
      this.batchColumn = batch
    }
    this.link(e)
    return e
  }

  private link(e: IndexEntry): void {
    for (const user of e.task.assignees) setOf(this.assigned, user).add(e.slot)
    let code = this.batchCodes.get(e.batch)
    if (code === undefined) this.batchCodes.set(e.batch, (code = this.batchCodes.size))
    this.batchColumn[e.slot] = code
    this.statusColumn[e.slot] = STATUS_CODE.get(e.task.status) ?? 0
  }

  private unlink(e: IndexEntry): void {
    for (const user of e.task.assignees) this.assigned.get(user)?.delete(e.slot)
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
    const shifted = new Map<IndexOrder, number[]>()
    for (const order of ORDERS) {
      const moving = updates.filter((u) => compareKeys(keyOf(order, u.e), keyOf(order, u.after)) !== 0).map((u) => u.e.slot)
      shifted.set(order, moving)
      // Few changes: take each out where its old key puts it, before any key is overwritten.
      if (moving.length + added.length <= SPLICE_MAX) {
        const list = this.sorted.get(order)!
        for (const slot of moving) list.splice(this.positionAfter(order, keyOf(order, this.bySlot[slot]), true), 1)
      }
    }
    for (const { e, after } of updates) {
      this.unlink(e)
      if (after.prompt !== e.task.prompt) {
        Object.assign(e, searchFields(after))
        this.setFilters(e)
        this.matches.forget(e.slot)
      }
      e.task = after
      e.batch = after.batch
      e.createdAt = after.createdAt
      e.updatedAt = after.updatedAt
      this.link(e)
    }
    const fresh = added.map((t) => this.add(t).slot)
    for (const order of ORDERS) {
      const moving = shifted.get(order)!
      const list = this.sorted.get(order)!
      if (moving.length + fresh.length <= SPLICE_MAX) {
        for (const slot of [...moving, ...fresh]) list.splice(this.positionAfter(order, keyOf(order, this.bySlot[slot])), 0, slot)
      } else {
        this.sorted.set(order, merge(list, new Set(moving), [...moving, ...fresh], this.compareSlots(order)))
      }
    }
  }
}

const EMPTY: ReadonlySet<number> = new Set()

function setOf(map: Map<string, Set<number>>, key: string): Set<number> {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  return set
}

/** `list` without `removed`, with `added` merged in: one pass, plus sorting what was added. */
function merge(list: readonly number[], removed: ReadonlySet<number>, added: number[], compare: (a: number, b: number) => number): number[] {
  added.sort(compare)
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < list.length || j < added.length) {
    if (i < list.length && removed.has(list[i])) {
      i++
      continue
    }
    if (j >= added.length || (i < list.length && compare(list[i], added[j]) <= 0)) out.push(list[i++])
    else out.push(added[j++])
  }
  return out
}
