/**
 * The CLI's HTTP client: every call goes through Hono's typed client (`hc<AppType>`), so a route
 * renamed or removed on the server fails the CLI's typecheck, and this is the one place that
 * turns network and auth failures into readable errors.
 */
import { hc } from 'hono/client'
import type { ClientResponse } from 'hono/client'
// The one import from server/: a type, erased from the build (docs/architecture.md#which-way-the-imports-go).
import type { AppType } from '../server/app'
import { CliError, ExitCode } from './cliError'
import type { TokenSource } from './config'

/** Long enough for a 10 000-line import on a busy machine; a hung server still ends the command. */
export const REQUEST_TIMEOUT_MS = 120_000

/** The server's routes as Hono's typed client sees them. Path parameters are sent as given: encode them. */
export type Routes = ReturnType<typeof hc<AppType>>

/** One typed request: `(r) => r.api.users.$get()`. */
export type Call = (routes: Routes) => Promise<ClientResponse<unknown>>

export interface ApiResponse<T> {
  status: number
  data: T
}

export interface CallOptions {
  /** Send the lead token (default); `false` for public routes such as health. */
  auth?: boolean
  /** Non-2xx statuses the caller reads itself (400 line errors); others become a CliError. */
  accept?: number[]
}

export interface ApiClientOptions {
  url: string
  /** Resolved on the first authenticated request, so `--help` and health work without a token. */
  getToken: () => Promise<TokenSource>
  timeoutMs?: number
}

/** Calls the codejury HTTP API with the lead's Bearer token. */
export interface ApiClient {
  /** A typed request whose answer is JSON. */
  json<T>(call: Call, options?: CallOptions): Promise<ApiResponse<T>>
  /** The raw response of a successful request, for streamed bodies such as exports. */
  send(call: Call, options?: CallOptions): Promise<Response>
}

/** Printable ASCII only: fetch rejects other header values with what looks like a network error. */
const TOKEN_RE = /^[\x21-\x7e]+$/

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { url } = options
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS
  let tokenSource: Promise<TokenSource> | undefined
  const getToken = () => (tokenSource ??= options.getToken())
  /** What each response answered, for error messages: `GET /api/users`. */
  const requestOf = new WeakMap<Response, string>()

  function fetcher(auth: boolean) {
    return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const target = new URL(input instanceof Request ? input.url : String(input))
      const label = `${init?.method ?? 'GET'} ${target.pathname}${target.search}`
      // hc passes a Headers object (with the JSON Content-Type of a body): spreading it would drop them.
      const headers = new Headers(init?.headers)
      headers.set('accept', 'application/json')
      if (auth) {
        const { token, source } = await getToken()
        if (!TOKEN_RE.test(token)) {
          throw new CliError(`the token from ${source} contains spaces or non-ASCII characters`)
        }
        headers.set('authorization', `Bearer ${token}`)
      }
      let res: Response
      try {
        res = await fetch(target, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') {
          throw new CliError(`the server at ${url} did not answer ${label} within ${timeoutMs / 1000} s`)
        }
        throw new CliError(`cannot reach the server at ${url} (is it running? start it with npm start)`, ExitCode.usage)
      }
      requestOf.set(res, label)
      return res
    }
  }
  const authed = hc<AppType>(url, { fetch: fetcher(true) })
  const anonymous = hc<AppType>(url, { fetch: fetcher(false) })

  async function refuse(res: Response): Promise<never> {
    const message = await readErrorMessage(res)
    if (res.status === 401 || res.status === 403) {
      const { source } = await getToken()
      const why = res.status === 401 ? 'the server does not recognise it' : 'the server refused it'
      throw new CliError(
        `the token from ${source} is not a lead's token: ${why} (${res.status}` +
          `${message ? `: ${message}` : ''}). Pass a lead's token with --token or CODEJURY_TOKEN.`,
      )
    }
    throw new CliError(`the server answered ${res.status} to ${requestOf.get(res)}${message ? `: ${message}` : ''}`)
  }

  async function send(call: Call, opts: CallOptions = {}): Promise<Response> {
    const res = (await call(opts.auth === false ? anonymous : authed)) as unknown as Response
    if (!res.ok && !(opts.accept ?? []).includes(res.status)) await refuse(res)
    return res
  }

  async function json<T>(call: Call, opts: CallOptions = {}): Promise<ApiResponse<T>> {
    const res = await send(call, opts)
    const text = await res.text()
    try {
      return { status: res.status, data: JSON.parse(text) as T }
    } catch {
      throw new CliError(
        `unexpected answer to ${requestOf.get(res)}: HTTP ${res.status}, not JSON (is ${url} a codejury server?)`,
      )
    }
  }

  return { json, send }
}

/** The `{ error }` message of a failed response, if it has one. */
async function readErrorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '')
  try {
    const body = JSON.parse(text) as { error?: unknown }
    return typeof body.error === 'string' ? body.error : ''
  } catch {
    return ''
  }
}
