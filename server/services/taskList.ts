/**
 * The paged task list: the tasks a person may see, filtered, in one of TASK_SORTS, a page at a
 * time from a keyset cursor (the last row's sort key), with the total and per-status counts.
 * Reads the index (taskIndex.ts); never sorts. A cursor is a position, not a snapshot: the next
 * page starts after the last row's key, wherever that row has gone since. A cursor edited by hand
 * into another well-formed one is only another position: what a page shows is decided per request.
 */
import { DEFAULT_TASK_PAGE } from '../../shared/taskList'
import type { TaskListQuery, TaskSort } from '../../shared/taskList'
import type { Task, TaskStatus } from '../../shared/types'
import { CodejuryError } from '../../shared/errors'
import { keyOf, STATUSES } from './taskIndex'
import type { IndexOrder, TaskIndex } from './taskIndex'

/** Who asks: annotators see their assigned tasks only. */
export interface Viewer {
  id: string
  role: string
}

/** One page of stored tasks; the route turns each into the caller's summary. */
export interface TaskListResult {
  tasks: Task[]
  total: number
  next_cursor: string | null
  counts: Record<TaskStatus, number>
}

/** What a cursor carries: the sort, a fingerprint of the filters, and the last row's key. */
interface CursorBody {
  s: TaskSort
  f: string
  k: string[]
}

/** What any part of a key can hold: batch names, ISO times and ids are all of these characters. */
const KEY_PART_RE = /^[A-Za-z0-9_. :-]{1,80}$/

const KEY_LENGTH: Record<IndexOrder, number> = { created: 3, updated: 2, id: 1 }

function orderOf(sort: TaskSort): { order: IndexOrder; descending: boolean } {
  const descending = sort.startsWith('-')
  return { order: (descending ? sort.slice(1) : sort) as IndexOrder, descending }
}

/** FNV-1a of the filters: a cursor is refused under filters other than the ones it was made for. */
function fingerprint(query: TaskListQuery): string {
  const s = JSON.stringify([query.batch ?? '', query.status ?? '', query.assignee ?? '', query.q ?? ''])
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(36)
}

export function encodeCursor(body: CursorBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url')
}

/** The key a cursor resumes after; a bad-input error saying what is wrong with it otherwise. */
export function decodeCursor(cursor: string, sort: TaskSort, query: TaskListQuery): string[] {
  const bad = (why: string) => new CodejuryError('bad-input', `cursor ${why}; start again from the first page`)
  let body: unknown
  try {
    const bytes = Buffer.from(cursor, 'base64url')
    // Only the exact text encodeCursor makes: no padding, no trailing bits, no extra characters.
    if (bytes.toString('base64url') !== cursor) throw new Error('not canonical')
    body = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw bad('is not a cursor this server made')
  }
  const b = body as Partial<CursorBody> | null
  if (!b || typeof b !== 'object' || typeof b.s !== 'string' || typeof b.f !== 'string' || !Array.isArray(b.k)) {
    throw bad('is not a cursor this server made')
  }
  if (b.s !== sort) throw bad(`was made for sort=${String(b.s).slice(0, 20)}, not ${sort}`)
  if (b.f !== fingerprint(query)) throw bad('was made for other filters')
  const { order } = orderOf(sort)
  if (b.k.length !== KEY_LENGTH[order] || !b.k.every((x) => typeof x === 'string' && KEY_PART_RE.test(x))) {
    throw bad('is not a cursor this server made')
  }
  return b.k
}

/**
 * One page of `query` as `viewer` may see it. Filters combine; `counts` match every filter but
 * `status`. Throws a bad-input error for a cursor this query cannot resume from.
 */
export function listTasks(index: TaskIndex, viewer: Viewer, query: TaskListQuery): TaskListResult {
  const sort = query.sort ?? 'created'
  const limit = query.limit ?? DEFAULT_TASK_PAGE
  const { order, descending } = orderOf(sort)
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, sort, query)

  // The smallest set every result is in: the caller's own tasks or the assignee's; else every slot.
  const sets: ReadonlySet<number>[] = []
  if (viewer.role === 'annotator') sets.push(index.assignedTo(viewer.id))
  if (query.assignee !== undefined) sets.push(index.assignedTo(query.assignee))
  sets.sort((a, b) => a.size - b.size)
  const base = sets[0]
  const other = sets[1]
  const batch = query.batch === undefined ? -1 : index.batchCode(query.batch)
  const wanted = query.status === undefined ? -1 : STATUSES.indexOf(query.status)
  const matches = query.q === undefined ? null : index.matches.matcher(query.q, index.slots, (slot) => index.at(slot), index.textFilter(query.q))
  const statusColumn = index.statusColumn
  const batchColumn = index.batchColumn

  // One pass counts and marks every match; the page is then read off the sorted order.
  const perStatus = new Int32Array(STATUSES.length)
  const marked = new Uint8Array(index.slots)
  let total = 0
  const consider = (slot: number) => {
    if (batch >= 0 && batchColumn[slot] !== batch) return
    if (other && !other.has(slot)) return
    if (matches && !matches(slot)) return
    const status = statusColumn[slot]
    perStatus[status]++
    if (wanted >= 0 && status !== wanted) return
    marked[slot] = 1
    total++
  }
  if (query.batch !== undefined && batch < 0) {
    // No task is in that batch: nothing matches.
  } else if (base) {
    for (const slot of base) consider(slot)
  } else {
    for (let slot = 0, n = index.slots; slot < n; slot++) consider(slot)
  }

  const list = index.order(order)
  const rows: number[] = []
  if (total > 0) {
    const step = descending ? -1 : 1
    let i: number
    if (!after) i = descending ? list.length - 1 : 0
    else i = descending ? index.positionAfter(order, after, true) - 1 : index.positionAfter(order, after)
    for (; i >= 0 && i < list.length && rows.length <= limit; i += step) {
      if (marked[list[i]]) rows.push(list[i])
    }
  }
  const more = rows.length > limit
  if (more) rows.length = limit
  const last = rows.length ? index.at(rows[rows.length - 1]) : undefined
  const counts = {} as Record<TaskStatus, number>
  STATUSES.forEach((s, i) => (counts[s] = perStatus[i]))
  return {
    tasks: rows.map((slot) => index.at(slot).task),
    total,
    counts,
    next_cursor: more && last ? encodeCursor({ s: sort, f: fingerprint(query), k: keyOf(order, last) }) : null,
  }
}
