/**
 * The paged task list of `GET /api/tasks` (docs/http-api.md): what a client may ask for and what
 * a page holds. Pure: the server validates the query, the queue and the dashboard build it.
 */
import * as v from 'valibot'
import { TaskStatus } from './types'
import type { TaskSummary } from './types'
import { BatchNameSchema, IdSchema } from './validation'

/** Orders a list can take; a leading `-` reverses one. `created` (the default) is batch, then import order. */
export const TASK_SORTS = ['created', '-created', 'updated', '-updated', 'id', '-id'] as const
export type TaskSort = (typeof TASK_SORTS)[number]

/** The most rows one page holds; the default page is DEFAULT_TASK_PAGE rows. */
export const MAX_TASK_PAGE = 500
export const DEFAULT_TASK_PAGE = 100

/** The filters and paging of one request; every field optional. */
export interface TaskListQuery {
  batch?: string
  status?: TaskStatus
  /** A user id: tasks assigned to that person. */
  assignee?: string
  /** Text: matched case-insensitively against the task id, its title and its prompt. */
  q?: string
  sort?: TaskSort
  limit?: number
  /** Opaque: the `next_cursor` of the page before. */
  cursor?: string
}

/** One page: `total` counts every task matching the filters; `next_cursor` is null on the last page. */
export interface TaskPage {
  tasks: TaskSummary[]
  total: number
  next_cursor: string | null
  /** Tasks per status matching every filter but `status` (the dashboard's status chips). */
  counts: Record<TaskStatus, number>
}

/** The query string for `query` (fields left out when unset), for the API client and page URLs. */
export function taskListSearch(query: TaskListQuery): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

/** The longest `q` accepted, in characters. */
export const MAX_TASK_QUERY_CHARS = 200
/** The longest `cursor` accepted, in characters (a real one is far shorter). */
export const MAX_TASK_CURSOR_CHARS = 1_000

const optional = v.optional

/**
 * `GET /api/tasks`'s query string, as sent (every value a string). Unknown status or sort and a
 * limit outside 1..MAX_TASK_PAGE are refused with the field named; other parameters are ignored.
 */
export const TaskListQuerySchema = v.object({
  batch: optional(BatchNameSchema),
  status: optional(v.picklist(Object.values(TaskStatus), `must be one of ${Object.values(TaskStatus).join(', ')}`)),
  assignee: optional(IdSchema),
  q: optional(v.pipe(v.string(), v.maxLength(MAX_TASK_QUERY_CHARS, `must be at most ${MAX_TASK_QUERY_CHARS} characters`))),
  sort: optional(v.picklist(TASK_SORTS, `must be one of ${TASK_SORTS.join(', ')}`)),
  limit: optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_TASK_PAGE}`))),
  cursor: optional(
    v.pipe(
      v.string(),
      v.maxLength(MAX_TASK_CURSOR_CHARS, 'is not a cursor this server made'),
      v.regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this server made'),
    ),
  ),
})

/** The outcome of reading a query string: the query, or a message naming the bad field. */
export type ParsedTaskListQuery = { ok: true; query: TaskListQuery } | { ok: false; message: string }

/** Reads `GET /api/tasks`'s query string (values as sent) into a TaskListQuery. */
export function parseTaskListQuery(raw: Record<string, string | undefined>): ParsedTaskListQuery {
  // Absent and empty mean the same: an unset filter.
  const set = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = v.safeParse(TaskListQuerySchema, set)
  if (!parsed.success) {
    const issue = parsed.issues[0]
    const field = issue.path?.map((p) => String(p.key)).join('.') ?? 'query'
    return { ok: false, message: `${field} ${issue.message}` }
  }
  const out = parsed.output
  const query: TaskListQuery = {}
  if (out.batch) query.batch = out.batch
  if (out.status) query.status = out.status
  if (out.assignee) query.assignee = out.assignee
  if (out.q) query.q = out.q
  if (out.sort) query.sort = out.sort
  if (out.cursor) query.cursor = out.cursor
  if (out.limit) {
    const limit = Number(out.limit)
    if (limit < 1 || limit > MAX_TASK_PAGE) return { ok: false, message: `limit must be a whole number from 1 to ${MAX_TASK_PAGE}` }
    query.limit = limit
  }
  return { ok: true, query }
}

/** `GET /api/next`'s query string: the batch to stay in and the task to start after, both optional. */
export const NextTaskQuerySchema = v.object({
  batch: v.optional(BatchNameSchema),
  after: v.optional(IdSchema),
})
