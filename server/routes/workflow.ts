/** `/api/tasks/:id/{submit,request-changes,finalize,reopen}`: the workflow's four actions; submit and finalize answer 409 `{reasons}` while the work is not ready. */
import { Hono } from 'hono'
import type { Context } from 'hono'
import * as v from 'valibot'
import { HTTPException } from 'hono/http-exception'
import { FinalizeSchema, RequestChangesSchema, WorkflowAction } from '../../shared/workflow'
import { formatIssues } from '../../shared/validation'
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
    .post('/:id/submit', async (c) => {
      const user = c.get('user')!
      const result = await deps.workflow.act(c.req.param('id'), WorkflowAction.submit, user)
      if (!result.ok) return c.json({ error: 'the work is not ready to submit', reasons: result.reasons }, 409)
      deps.log.info('workflow action', { task: result.task.id, action: WorkflowAction.submit, by: user.id })
      return c.json(taskState(deps, result.task.id), 200)
    })
    .post('/:id/request-changes', requireRole('lead'), jsonBody(RequestChangesSchema), async (c) =>
      c.json(await run(c, WorkflowAction.request_changes, c.req.valid('json').message), 200),
    )
    .post('/:id/reopen', requireRole('lead'), async (c) => c.json(await run(c, WorkflowAction.reopen), 200))
    .post('/:id/finalize', requireRole('lead'), async (c) => {
      const user = c.get('user')!
      const body = await finalizeBody(c)
      const result = await deps.workflow.act(c.req.param('id'), WorkflowAction.finalize, user, undefined, body.override_note)
      if (!result.ok) {
        return c.json({ error: 'the task is not ready to finalize', reasons: result.reasons }, 409)
      }
      deps.log.info('task finalized', { task: result.task.id, revision: result.task.revision, by: user.id })
      return c.json(result.record!, 200)
    })
}

/**
 * The finalize body is optional (the CLI and older clients send none); when present it must be
 * JSON `{override_note}` (the lead's written reason to override what the test runs say), and
 * anything else is a 400 that changes nothing.
 */
async function finalizeBody(c: Context<AppEnv>): Promise<v.InferOutput<typeof FinalizeSchema>> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new HTTPException(415, { message: 'the finalize body must be application/json' })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new HTTPException(400, { message: 'the finalize body is not valid JSON' })
  }
  const parsed = v.safeParse(FinalizeSchema, value)
  if (!parsed.success) throw new HTTPException(400, { message: formatIssues(parsed.issues).join('; ') })
  return parsed.output
}
