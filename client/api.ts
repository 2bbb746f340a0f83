/** The client's one HTTP module: every call to `/api` goes through `request` here. */
import type { Me, TaskDetail, TaskSummary, User } from '../shared/types'

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

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
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

const taskPath = (id: string) => `/api/tasks/${encodeURIComponent(id)}`

// Narrow call sites: each route has one function here, so swapping in hc<AppType> stays local.

/** The signed-in user; rejects with a 401 `ApiError` when signed out. */
export const getMe = () => request<Me>('GET', '/api/me')

/** Tasks visible to the caller (annotators: their assigned tasks; leads and reviewers: all). */
export const listTasks = () =>
  request<{ tasks: TaskSummary[] }>('GET', '/api/tasks').then((r) => r.tasks)

/** One task with its batch's guidelines, rubric and mode. */
export const getTask = (id: string) => request<TaskDetail>('GET', taskPath(id))

/** Every user (lead only). */
export const listUsers = () => request<{ users: User[] }>('GET', '/api/users').then((r) => r.users)

/** Clears the session cookie. */
export const signOut = () => request<unknown>('POST', '/api/signout')
