/** `/api/tasks/:id/{submit,request-changes,finalize,reopen}`: the workflow's four actions. */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { RequestChangesSchema, WorkflowAction } from '../../shared/workflow'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { jsonBody } from '../validate'

/** The part of a task an action answers with: enough for a page or the CLI to show the outcome. */
function taskState(deps: AppDeps, id: string) {
  const t = deps.db.task(id)!
  return { id: t.id, status: t.status, revision: t.revision, assignees: t.assignees }
}

/** The workflow routes; the rules are in shared/workflow.ts, the effects in services/workflow.ts. */
export function workflowRoutes(deps: AppDeps) {
  const run = async (c: Context<AppEnv>, action: WorkflowAction, message?: string) => {
    const id = c.req.param('id') ?? ''
    const result = await deps.workflow.act(id, action, c.get('user')!, message)
    deps.log.info('workflow action', { task: id, action, by: c.get('user')!.id })
    return result.ok ? taskState(deps, id) : null
  }
  return new Hono<AppEnv>()
    .use(requireRole())
    .post('/:id/submit', async (c) => c.json(await run(c, WorkflowAction.submit), 200))
    .post('/:id/request-changes', requireRole('lead'), jsonBody(RequestChangesSchema), async (c) =>
      c.json(await run(c, WorkflowAction.request_changes, c.req.valid('json').message), 200),
    )
    .post('/:id/reopen', requireRole('lead'), async (c) => c.json(await run(c, WorkflowAction.reopen), 200))
    .post('/:id/finalize', requireRole('lead'), async (c) => {
      const user = c.get('user')!
      const result = await deps.workflow.act(c.req.param('id'), WorkflowAction.finalize, user)
      if (!result.ok) {
        return c.json({ error: 'the task is not ready to finalize', reasons: result.reasons }, 409)
      }
      deps.log.info('task finalized', { task: result.task.id, revision: result.task.revision, by: user.id })
      return c.json(result.record!, 200)
    })
}
