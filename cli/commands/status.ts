/** `codejury status`: is the server up, and how far along is the work. */
import { TaskStatus } from '../../shared/types'
import type { TaskSummary, User } from '../../shared/types'
import { CliError, ExitCode } from '../cliError'
import { formatFields, formatTable } from '../format'
import type { Command } from '../types'
import { forEachTaskPage } from '../taskPages'

/** Health first (no token needed), then the lead-only counts. */
export const status: Command = {
  words: ['status'],
  usage: 'codejury status',
  summary: 'show server health, tasks per status and the number of users',
  help: 'Checks that the server answers, then counts tasks per status and per batch, and users.',
  options: {},
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const health = await ctx.api.json<{ ok?: boolean }>((r) => r.api.health.$get(), { auth: false })
    if (health.data.ok !== true) throw new CliError(`the server at ${ctx.url} is not healthy`)
    const byStatus: Record<string, number> = Object.fromEntries(
      Object.values(TaskStatus).map((s) => [s, 0]),
    )
    const byBatch: Record<string, number> = {}
    let count = 0
    // Counted page by page: a program of 100,000 tasks is never held at once.
    const countPage = (page: TaskSummary[]) => {
      for (const t of page) {
        count++
        byStatus[t.status] = (byStatus[t.status] ?? 0) + 1
        byBatch[t.batch] = (byBatch[t.batch] ?? 0) + 1
      }
    }
    const [, { data: userData }] = await Promise.all([
      forEachTaskPage(ctx.api, countPage),
      ctx.api.json<{ users: User[] }>((r) => r.api.users.$get()),
    ])
    const users = Array.isArray(userData.users) ? userData.users : []
    if (ctx.json) {
      const summary = { url: ctx.url, ok: true, users: users.length, tasks: count }
      ctx.out(JSON.stringify({ ...summary, byStatus, byBatch }, null, 2))
      return ExitCode.ok
    }
    ctx.out(
      formatFields([
        ['server', `${ctx.url} (ok)`],
        ['users', users.length],
        ['tasks', count],
      ]),
    )
    if (count > 0) {
      ctx.out('')
      ctx.out(formatTable(['STATUS', 'TASKS'], Object.entries(byStatus)))
      ctx.out('')
      ctx.out(formatTable(['BATCH', 'TASKS'], Object.entries(byBatch)))
    }
    return ExitCode.ok
  },
}
