/** The CLI's HTTP client: one place that turns network and auth failures into readable errors. */
import { CliError, ExitCode } from './cliError'
import type { TokenSource } from './config'

/** Long enough for a 10 000-line import on a busy machine; a hung server still ends the command. */
export const REQUEST_TIMEOUT_MS = 120_000

export interface ApiResponse<T> {
  status: number
  data: T
}

export interface RequestOptions {
  /** Sent as `application/json`. */
  json?: unknown
  /** Sent as is with `contentType`. */
  text?: string
  contentType?: string
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
  request<T>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>
  /** The raw response of a successful request, for streamed bodies such as exports. */
  send(method: string, path: string, options?: RequestOptions): Promise<Response>
}

/** Printable ASCII only: fetch rejects other header values with what looks like a network error. */
const TOKEN_RE = /^[\x21-\x7e]+$/

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { url } = options
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS
  let tokenSource: Promise<TokenSource> | undefined
  const getToken = () => (tokenSource ??= options.getToken())

  async function fetchOnce(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' }
    let body: string | undefined
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(opts.json)
    } else if (opts.text !== undefined) {
      headers['content-type'] = opts.contentType ?? 'text/plain'
      body = opts.text
    }
    if (opts.auth !== false) {
      const { token, source } = await getToken()
      if (!TOKEN_RE.test(token)) {
        throw new CliError(`the token from ${source} contains spaces or non-ASCII characters`)
      }
      headers.authorization = `Bearer ${token}`
    }
    try {
      return await fetch(url + path, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        throw new CliError(
          `the server at ${url} did not answer ${method} ${path} within ${timeoutMs / 1000} s`,
        )
      }
      throw new CliError(
        `cannot reach the server at ${url} (is it running? start it with npm start)`,
        ExitCode.usage,
      )
    }
  }

  async function refuse(res: Response, method: string, path: string): Promise<never> {
    const message = await readErrorMessage(res)
    if (res.status === 401 || res.status === 403) {
      const { source } = await getToken()
      const why =
        res.status === 401 ? 'the server does not recognise it' : 'the server refused it'
      throw new CliError(
        `the token from ${source} is not a lead's token: ${why} (${res.status}` +
          `${message ? `: ${message}` : ''}). Pass a lead's token with --token or CODEJURY_TOKEN.`,
      )
    }
    throw new CliError(
      `the server answered ${res.status} to ${method} ${path}${message ? `: ${message}` : ''}`,
    )
  }

  async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const res = await fetchOnce(method, path, opts)
    if (!res.ok && !(opts.accept ?? []).includes(res.status)) await refuse(res, method, path)
    return res
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}) {
    const res = await send(method, path, opts)
    const text = await res.text()
    try {
      return { status: res.status, data: JSON.parse(text) as T }
    } catch {
      throw new CliError(
        `unexpected answer to ${method} ${path}: HTTP ${res.status}, not JSON ` +
          `(is ${url} a codejury server?)`,
      )
    }
  }

  return { request, send }
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
