/**
 * The client's one HTTP module: every call to `/api` goes through Hono's typed RPC client here, so
 * a route renamed or reshaped on the server fails the client's typecheck.
 */
import { hc } from 'hono/client'
import type { ClientResponse } from 'hono/client'
// The one import from server/: a type, erased from the bundle (docs/architecture.md).
import type { AppType } from '../server/app'
import type { ActiveTime, Batch, Me, PresentUser, TaskDetail, TaskSummary, User } from '../shared/types'
import type { BatchInput } from '../shared/validation'
import type { TaskListQuery, TaskPage } from '../shared/taskList'
import type { ReportedRun } from '../shared/runReport'
import type { RunResult } from '../shared/schema'

// The response types are the shared contracts; re-exported so pages import them from one place.
export type { Me, TaskDetail }

/**
 * A refused or failed request. `message` is the server's `{ error }` text when it sent one, and
 * `body` keeps the whole JSON body so callers can render `reasons` (409) or `errors` (400).
 */
export class ApiError extends Error {
  readonly status: number
  readonly body: unknown
  constructor(status: number, message: string, body: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.body = body
  }
}

/** True when trying again may help: the network failed or the server erred (5xx). */
export function isRetryable(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 0 || err.status >= 500)
}

/** True when the error means "not signed in", so the app shows the sign-in screen. */
export function isUnauthorized(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401
}

const client = hc<AppType>('/', {
  // hc passes a Headers object (with the JSON Content-Type of a body): spreading it would drop them.
  fetch: (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers)
    if (!headers.has('Accept')) headers.set('Accept', 'application/json')
    return fetch(input, { ...init, credentials: 'same-origin', headers })
  },
})

/** Awaits a typed call; a network failure or a refusal becomes an `ApiError` with the server's message. */
async function call<T>(pending: Promise<ClientResponse<unknown>>): Promise<T> {
  let res: Response
  try {
    res = (await pending) as unknown as Response
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and retry.', null)
  }
  const data: unknown = await readJson(res)
  if (!res.ok) throw new ApiError(res.status, errorMessage(res, data), data)
  return data as T
}

async function readJson(res: Response): Promise<unknown> {
  const type = res.headers.get('Content-Type') ?? ''
  if (!type.includes('json')) return null
  try {
    return await res.json()
  } catch {
    return null
  }
}

function errorMessage(res: Response, data: unknown): string {
  if (data && typeof data === 'object' && 'error' in data && typeof data.error === 'string') {
    return data.error
  }
  return `${res.status} ${res.statusText || 'request failed'}`
}

/** The signed-in user; rejects with a 401 `ApiError` when signed out. */
export const getMe = () => call<Me>(client.api.me.$get())

/**
 * One page of the tasks visible to the caller (annotators: their assigned tasks; leads and
 * reviewers: all) matching `query` (shared/taskList.ts); `next_cursor` asks for the page after.
 */
export const listTaskPage = (query: TaskListQuery) =>
  call<TaskPage>(client.api.tasks.$get({ query: taskListParams(query) }))

/** A list query as query-string fields, the unset ones left out. */
function taskListParams(query: TaskListQuery): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params[key] = String(value)
  return params
}

/** The caller's next assigned, unfinished task in `batch` after `after`; null when none is left (204). */
export const getNextTask = async (batch: string, after?: string): Promise<string | null> => {
  const r = await call<{ task_id: string } | null>(client.api.next.$get({ query: after ? { batch, after } : { batch } }))
  return r && typeof r.task_id === 'string' ? r.task_id : null
}

/** One task with its batch's guidelines, rubric and mode. */
export const getTask = (id: string) => call<TaskDetail>(client.api.tasks[':id'].$get({ param: { id } }))

/** The people on a task (assignees, leads, reviewers): names for comment authors and mentions. */
export const getTaskPeople = (id: string) =>
  call<{ people: PresentUser[] }>(client.api.tasks[':id'].people.$get({ param: { id } })).then((r) => r.people)

/** Sets a task's annotators (lead only); resolves to the updated task. */
export const assignTask = (id: string, userIds: string[]) =>
  call<unknown>(client.api.tasks[':id'].assign.$post({ param: { id }, json: { userIds } }))

/** Every user (lead only). */
export const listUsers = () =>
  call<{ users: User[] }>(client.api.users.$get()).then((r) => r.users)

/**
 * One storage problem `/api/health` reports. Leads get every field; anyone else only `problem` and
 * `at`, so every other field is optional here.
 */
export interface HealthProblem {
  /** `store-failing`, or the kind of damage a room file had (`corrupt-snapshot`, `corrupt-log`, …). */
  problem: string
  at: string
  room?: string
  /** Why the room's last store failed (store-failing). */
  error?: string
  /** The damaged file, relative to DATA_DIR, and where its original bytes were kept. */
  file?: string
  keptAs?: string
  lostBytes?: number
  recoveredFrom?: string[]
}

/** `/api/health`: `{ ok: true }`, or what is wrong with storage right now. */
export const getHealth = () =>
  call<{ ok: true } | { ok: false; degraded: HealthProblem[] }>(client.api.health.$get())
/** Active time per person on the given tasks (lead only, at most MAX_ACTIVE_TIME_TASKS ids), for the dashboard's time column. */
export const getActiveTime = (taskIds: readonly string[]) =>
  call<{ rows: ActiveTime[] }>(client.api['active-time'].$get({ query: { tasks: taskIds.join(',') } })).then((r) => r.rows)

/** Clears the session cookie. */
export const signOut = () => call<unknown>(client.api.signout.$post())

/** The task's state after a workflow action. */
export interface TaskState {
  id: string
  status: TaskSummary['status']
  revision: number
  assignees: string[]
}

/**
 * Reports this browser's run of one subject (a candidate id or `solution`); the server stamps who
 * ran it and when and writes it into the workspace's `runs` map, which the room sees live.
 */
export const reportRun = (id: string, subject: string, run: ReportedRun) =>
  call<{ subject: string; run: RunResult }>(client.api.tasks[':id'].runs.$post({ param: { id }, json: { subject, run } }))

/** Hands an assigned annotator's work to the lead. */
export const submitTask = (id: string) =>
  call<TaskState>(client.api.tasks[':id'].submit.$post({ param: { id } }))

/** Sends submitted work back with a message (lead). */
export const requestChanges = (id: string, message: string) =>
  call<TaskState>(client.api.tasks[':id']['request-changes'].$post({ param: { id }, json: { message } }))

/**
 * Finalizes the current revision (lead). A 409 rejects with an `ApiError` whose `body.reasons`
 * lists what is missing (see `finalizeReasonsOf`).
 */
export const finalizeTask = (id: string, overrideNote?: string) =>
  call<{ revision: number; record_hash: string }>(
    client.api.tasks[':id'].finalize.$post(
      { param: { id } },
      // The optional body `{override_note}` overrides what the test runs say (docs/workflow.md#finalize).
      overrideNote === undefined
        ? undefined
        : { init: { body: JSON.stringify({ override_note: overrideNote }), headers: { 'content-type': 'application/json' } } },
    ),
  )

/** Reopens a finalized task as its next revision (lead). */
export const reopenTask = (id: string) =>
  call<TaskState>(client.api.tasks[':id'].reopen.$post({ param: { id } }))

// Independent mode and stats (agreement work): ballots, merge, batch statistics.

/** Makes sure the caller's ballot has a ratings map per candidate (the server creates them). */
export const prepareBallot = (id: string) =>
  call<{ ok: true }>(client.api.tasks[':id'].ballot.$post({ param: { id } }))

/** Submits the caller's complete ballot; a 409 says what is still missing. */
export const submitBallot = (id: string) =>
  call<{ submitted_at: string; by: string }>(client.api.tasks[':id'].ballot.submit.$post({ param: { id } }))

/** Takes the caller's submission back, so the ballot can be changed. */
export const withdrawBallot = (id: string) =>
  call<{ ok: true }>(client.api.tasks[':id'].ballot.submit.$delete({ param: { id } }))

/** Seeds the shared ranking from the submitted ballots (lead); `replace` overwrites a placed one. */
export const mergeBallots = (id: string, replace: boolean) =>
  call<{ ranking: string[]; used: string[]; points: Record<string, number> }>(
    client.api.tasks[':id']['merge-ballots'].$post({ param: { id }, query: replace ? { replace: '1' } : {} }),
  )

/** Agreement, throughput and active time of one batch (lead). */
export const getStats = (batch: string) =>
  call<import('../shared/stats').BatchStats>(client.api.stats.$get({ query: { batch } }))
/** A batch as `GET /api/batches` lists it (lead only): its settings and how many tasks it holds. */
export type BatchSummary = Batch & { taskCount: number }

/** Every batch with its task count (lead only). */
export const listBatches = () =>
  call<{ batches: BatchSummary[] }>(client.api.batches.$get()).then((r) => r.batches)

/** Creates a batch or updates the named one (lead only); a 400 carries the field in its message. */
export const saveBatch = (input: BatchInput) => call<Batch>(client.api.batches.$post({ json: input }))

/** Whether this server runs code in its own sandbox, and if not, why (`GET /api/sandbox`). */
export type SandboxState = { state: 'starting' } | { state: 'ready' } | { state: 'unavailable'; reason: string }
export const getSandboxState = () => call<SandboxState>(client.api.sandbox.$get())

/**
 * Asks the server for its own runs of the task's current texts (lead or an assignee); they land
 * in the workspace's `server_runs` map, which the room sees live. A 409 says why it cannot run them.
 */
export const runOnServer = (id: string) =>
  call<{ runs: Record<string, RunResult> }>(client.api.tasks[':id']['server-runs'].$post({ param: { id } }))

// People and time (the lead's /lead/people and /lead/time pages).

/** A new or re-linked person with the token of their sign-in link, given once. */
export interface IssuedToken {
  id: string
  name: string
  role: User['role']
  color: string
  token: string
}

/** Adds a person (lead); the answer holds their sign-in token, shown once. */
export const addUser = (name: string, role: User['role']) =>
  call<IssuedToken>(client.api.users.$post({ json: { name, role } }))

/** Changes a person's role (lead); their open pages get the new role's access at once. */
export const changeUserRole = (id: string, role: User['role']) =>
  call<User>(client.api.users[':id'].$patch({ param: { id }, json: { role } }))

/** Gives a person a new sign-in link (lead); the old one and its sessions end at once. */
export const rotateUserToken = (id: string) =>
  call<IssuedToken>(client.api.users[':id'].token.$post({ param: { id } }))

/** Removes a person (lead; never yourself). */
export const removeUser = (id: string) =>
  call<{ removed: User }>(client.api.users[':id'].$delete({ param: { id } }))

/** A live sign-in session as the lead sees it (never anything that signs in). */
export interface SessionRow {
  id: string
  userId: string
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  userName: string | null
  role: string | null
}

/** Every live session (lead). */
export const listSessions = () =>
  call<{ sessions: SessionRow[] }>(client.api.sessions.$get()).then((r) => r.sessions)

/** Ends one session by its public id (lead). */
export const revokeSession = (id: string) =>
  call<{ revoked: number }>(client.api.sessions[':id'].$delete({ param: { id } }))

/** Ends every session of one person (lead). */
export const revokeUserSessions = (userId: string) =>
  call<{ revoked: number }>(client.api.sessions.$delete({ query: { user: userId } }))

/** Per person: tasks assigned, submitted, finalized and this week's hours in `tz`. */
export interface PeopleSummary {
  tz: string
  week: { from: string; to: string }
  people: { id: string; assigned: number; submitted: number; finalized: number; hours_week: number }[]
}

export const getPeopleSummary = (tz: string) =>
  call<PeopleSummary>(client.api.people.summary.$get({ query: { tz } }))

/** One person's active time on one task on one day of the zone. */
export interface TimesheetRow {
  user: string
  person: string
  day: string
  task: string
  active_ms: number
}

/** The query of a timesheet: days `from`..`to` of zone `tz`. */
export interface TimesheetRange {
  from: string
  to: string
  tz: string
}

/** The timesheet's rows as JSON (lead); the CSV at `timesheetCsvUrl` holds the same. */
export const getTimesheet = (range: TimesheetRange) =>
  call<TimesheetRange & { rows: TimesheetRow[] }>(client.api.timesheet.$get({ query: { ...range, format: 'json' } }))

/** Where the CSV of the same range and zone downloads from. */
export const timesheetCsvUrl = (range: TimesheetRange) =>
  `/api/timesheet?${new URLSearchParams({ from: range.from, to: range.to, tz: range.tz }).toString()}`

// Gold tasks and annotator quality (lead only).

/** A gold task as the lead reads it: the true ranking in room ids and in import ids. */
export interface GoldView {
  task: string
  ranking: string[]
  import_ranking: string[]
  by: string
  by_name: string
  at: string
  source: 'ranking' | 'record'
  revision?: number
}

/** The task's gold ranking, or null when it is not gold. */
export const getGold = (id: string) =>
  call<{ task: string; gold: GoldView | null }>(client.api.tasks[':id'].gold.$get({ param: { id } })).then((r) => r.gold)

/** Marks a task as gold with the ranking of its latest finalized record (409 before it is finalized). */
export const markGoldFromRecord = (id: string) =>
  call<{ task: string; gold: GoldView }>(
    client.api.tasks[':id'].gold.$post(
      { param: { id } },
      { init: { body: JSON.stringify({ from_record: true }), headers: { 'content-type': 'application/json' } } },
    ),
  ).then((r) => r.gold)

/** Unmarks a gold task. */
export const unmarkGold = (id: string) =>
  call<{ task: string; gold: null; was_gold: boolean }>(client.api.tasks[':id'].gold.$delete({ param: { id } }))

/** Per-annotator quality of one batch, or of every batch when `batch` is empty. */
export const getQuality = (batch: string) =>
  call<import('../shared/quality').QualityReport>(client.api.quality.$get({ query: batch ? { batch } : {} }))

/**
 * Gives every unfinished task of a batch `per_task` distinct annotators from `annotators`,
 * balanced, keeping started work unless `reassign_started` (lead); a 400 names the problem.
 */
export const distributeBatch = (name: string, input: import('../shared/validation').DistributeInput) =>
  call<import('../shared/distribution').DistributeResult>(client.api.batches[':name'].distribute.$post({ param: { name }, json: input }))
