/**
 * The paged task list of `GET /api/tasks` (docs/http-api.md): what a client may ask for and what
 * a page holds. Pure: the server validates the query, the queue and the dashboard build it.
 */
import type { TaskStatus, TaskSummary } from './types'

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
