/** `/api/tasks`: import, list, read and assign tasks. */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AssignSchema, BatchNameSchema, IdSchema, MAX_IMPORT_LINES } from '../../shared/validation'
import { compareLetters, displayLabels, importIdOf } from '../../shared/blind'
import * as v from 'valibot'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { assignTask, canSeeTask, importTasks } from '../services/tasks'
import type { ImportOptions } from '../services/tasks'
import { BodyTooLarge, bodyLines } from '../services/bodyLines'
import { jsonBody } from '../validate'
import { TaskIndex } from '../services/taskIndex'
import { listTasks } from '../services/taskList'
import { parseTaskListQuery } from '../../shared/taskList'
import type { TaskPage } from '../../shared/taskList'
import { DEFAULT_RUN_TIMEOUT_MS } from '../../shared/types'
import type { Task, TaskDetail, User } from '../../shared/types'

/** Largest accepted import body. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024
/** The 413 text for a body over MAX_IMPORT_BYTES: the limit, and what to do about it. */
export const IMPORT_TOO_LARGE = `import body too large: at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB and ${MAX_IMPORT_LINES} tasks per import; split the file`

/**
 * `?onConflict=error|skip`, `?assign=id,…` and `?blind=0|1` (whether a batch the import creates
 * is blind; default 1) of an import, or a 400 naming the bad one.
 */
function importOptions(query: (name: string) => string | undefined): ImportOptions {
  const onConflict = query('onConflict') ?? 'error'
  if (onConflict !== 'error' && onConflict !== 'skip') {
    throw new HTTPException(400, { message: 'onConflict must be error or skip' })
  }
  const assign = (query('assign') ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  for (const id of assign) {
    if (!v.safeParse(IdSchema, id).success) throw new HTTPException(400, { message: `assign: "${id.slice(0, 80)}" is not a user id` })
  }
  const blind = query('blind')
  if (blind !== undefined && blind !== '0' && blind !== '1') throw new HTTPException(400, { message: 'blind must be 0 or 1' })
  return { onConflict, assign, ...(blind !== undefined ? { blind: blind === '1' } : {}) }
}

/**
 * What a task shows `user`. Every candidate carries its `label`: in a blind batch the letter
 * everyone on the task sees (shared/blind.ts), candidates in letter order for every role; in an
 * open-label batch its import id. In a blind batch only the lead gets `model`, `import_id` and
 * `metadata` (import metadata often names the model or the source run); everyone else gets the
 * opaque id the rooms use, the code and the letter, nothing else.
 */
export function taskDetailFor(task: Task, detail: TaskDetail, user: Pick<User, 'role'>): TaskDetail {
  const labels = displayLabels(task, detail.blind)
  if (!detail.blind) return { ...detail, candidates: task.candidates.map((c) => ({ ...c, label: labels.get(c.id)! })) }
  const ordered = [...task.candidates].sort((a, b) => compareLetters(labels.get(a.id)!, labels.get(b.id)!))
  if (user.role === 'lead') {
    return { ...detail, candidates: ordered.map((c) => ({ ...c, import_id: importIdOf(c), label: labels.get(c.id)! })) }
  }
  const { metadata: _hidden, ...rest } = detail
  return { ...rest, candidates: ordered.map((c) => ({ id: c.id, code: c.code, label: labels.get(c.id)! })) }
}

export function tasksRoutes(deps: AppDeps) {
  // Built now, at start-up, rather than on the first request.
  const index = TaskIndex.of(deps.db)
  return new Hono<AppEnv>()
    .use(requireRole())
    .post('/import', requireRole('lead'), async (c) => {
      const batch = c.req.query('batch') ?? ''
      const name = v.safeParse(BatchNameSchema, batch)
      if (!name.success) throw new HTTPException(400, { message: `batch ${name.issues[0].message}` })
      const options = importOptions((k) => c.req.query(k))
      const length = Number(c.req.header('content-length') ?? 0)
      if (length > MAX_IMPORT_BYTES) throw new HTTPException(413, { message: IMPORT_TOO_LARGE })
      let result: Awaited<ReturnType<typeof importTasks>>
      try {
        // Read as it arrives: a 10,000-task body is validated and written line by line.
        result = await importTasks(deps, name.output, bodyLines(c.req.raw.body, MAX_IMPORT_BYTES), options)
      } catch (err) {
        if (err instanceof BodyTooLarge) throw new HTTPException(413, { message: IMPORT_TOO_LARGE })
        if (c.req.raw.signal.aborted) {
          // The client went away mid-upload: nothing was imported, and nobody reads the answer.
          deps.log.warn('an import upload was cut off; nothing was imported', { batch: name.output })
          throw new HTTPException(400, { message: 'the upload was cut off; nothing was imported' })
        }
        throw err
      }
      // 409: an id already exists or another import of it is in flight; 400: invalid lines or options.
      if (!result.ok) return c.json({ errors: result.errors }, result.conflict ? 409 : 400)
      deps.log.info('tasks imported', { batch: name.output, count: result.ids.length, skipped: result.skipped.length })
      const skippedIds = result.skipped.map((s) => s.id)
      const { created, blind } = result.batch
      if (created) deps.log.info('an import created a batch', { batch: name.output, blind })
      return c.json(
        { batch: name.output, batchCreated: created, blind, imported: result.ids.length, ids: result.ids, skipped: skippedIds.length, skippedIds },
        200,
      )
    })
    .get('/', (c) => {
      const user = c.get('user')!
      const parsed = parseTaskListQuery(c.req.query())
      if (!parsed.ok) throw new HTTPException(400, { message: parsed.message })
      const page = listTasks(index, user, parsed.query)
      const body: TaskPage = { ...page, tasks: page.tasks.map((t) => deps.live.summarize(t, user.id)) }
      return c.json(body)
    })
    .get('/:id', (c) => {
      const task = deps.db.task(c.req.param('id'))
      if (!task) throw new HTTPException(404, { message: 'No such task: check the link, or pick one from your queue.' })
      // Say why, and whom to ask, instead of pretending the task does not exist.
      if (!canSeeTask(c.get('user')!, task)) {
        const leads = deps.db.users.filter((u) => u.role === 'lead').map((u) => u.name)
        const ask = leads.length ? `ask ${leads.join(' or ')} to assign it to you` : 'ask your lead'
        throw new HTTPException(403, { message: `This task is not assigned to you: ${ask}.` })
      }
      const batch = deps.db.batch(task.batch)
      const detail: TaskDetail = {
        ...task,
        guidelines: batch?.guidelines ?? '',
        rubric: batch?.rubric ?? [],
        mode: batch?.mode ?? 'collaborative',
        blind: batch?.blind ?? false,
        run_timeout_ms: batch?.run_timeout_ms ?? DEFAULT_RUN_TIMEOUT_MS,
      }
      return c.json(taskDetailFor(task, detail, c.get('user')!))
    })
    .post('/:id/assign', requireRole('lead'), jsonBody(AssignSchema), async (c) => {
      const task = await assignTask(deps, c.req.param('id'), c.req.valid('json').userIds)
      return c.json(task)
    })
}
