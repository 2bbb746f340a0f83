/**
 * A task list's filters as they stand in the page URL (?batch=…&status=…&q=…&sort=…): read back
 * defensively, so a hand-edited link never sends the server a status or an order it does not know.
 */
import { TASK_SORTS } from '../../../shared/taskList'
import type { TaskSort } from '../../../shared/taskList'
import { TaskStatus } from '../../../shared/types'

const STATUSES: ReadonlySet<string> = new Set(Object.values(TaskStatus))
const SORTS: ReadonlySet<string> = new Set(TASK_SORTS)

/** The most characters of search text sent to the server. */
export const MAX_QUERY_TEXT = 200

export const isStatus = (s: string | undefined): s is TaskStatus => s !== undefined && STATUSES.has(s)
export const isSort = (s: string | undefined): s is TaskSort => s !== undefined && SORTS.has(s)

/** The search text of a URL value: trimmed and bounded; undefined when empty. */
export function searchText(s: string | undefined): string | undefined {
  const text = s?.trim().slice(0, MAX_QUERY_TEXT)
  return text ? text : undefined
}

/** How each order reads in the sort menu. */
export const SORT_LABEL: ReadonlyMap<TaskSort, string> = new Map<TaskSort, string>([
  ['created', 'Import order'],
  ['-created', 'Import order, newest first'],
  ['-updated', 'Recently changed first'],
  ['updated', 'Least recently changed first'],
  ['id', 'Task id, A to Z'],
  ['-id', 'Task id, Z to A'],
])
