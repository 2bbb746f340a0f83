/** Every task the lead's token sees, read page by page through `GET /api/tasks`'s cursors. */
import { MAX_TASK_PAGE } from '../shared/taskList'
import type { TaskPage } from '../shared/taskList'
import type { TaskSummary } from '../shared/types'
import type { ApiClient } from './apiClient'
import { CliError } from './cliError'

/** Walks the list in its default order, MAX_TASK_PAGE rows a request; each page is handed to `onPage`. */
export async function forEachTaskPage(api: ApiClient, onPage: (tasks: TaskSummary[], page: TaskPage) => void): Promise<void> {
  let cursor: string | null = null
  const seen = new Set<string>()
  for (;;) {
    const query: Record<string, string> = { limit: String(MAX_TASK_PAGE), ...(cursor ? { cursor } : {}) }
    const { data } = await api.json<TaskPage>((r) => r.api.tasks.$get({ query }))
    const tasks = Array.isArray(data.tasks) ? data.tasks : []
    onPage(tasks, data)
    const next = typeof data.next_cursor === 'string' ? data.next_cursor : null
    if (!next || tasks.length === 0) return
    // A server that hands back a cursor it already gave would loop forever.
    if (seen.has(next)) throw new CliError('the server repeated a page cursor; the task list is not advancing')
    seen.add(next)
    cursor = next
  }
}
