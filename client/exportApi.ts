/**
 * The export page's HTTP calls: counts through Hono's typed client (so a reshaped route fails the
 * typecheck), the NDJSON preview through fetch (the body is lines, not JSON), and the download URL.
 */
import { hc } from 'hono/client'
// The one import from server/: a type, erased from the bundle (docs/architecture.md).
import type { AppType } from '../server/app'
import { ApiError } from './api'

/** The page's choices, as the export route's query parameters (empty strings are left out). */
export interface ExportParams {
  format: string
  pairs: string
  batch: string
  since: string
  revisions: string
  /** `include` puts gold tasks in the export; empty leaves them out (the server's default). */
  gold: string
}

/** What `/api/export/counts` answers. */
export interface ExportCountsBody {
  records: number
  promptForm: 'standard' | 'conversational'
  pairs: string
  rows: Record<string, number>
  /** `kto`'s label balance and the KTOConfig weights that bring it into TRL's recommended ratio. */
  kto: { desirable: number; undesirable: number; desirable_weight: number; undesirable_weight: number; ratio: number | null }
  /** Records `humaneval` leaves out, by reason. */
  humaneval_left_out: Record<string, number>
  batches: string[]
}

const client = hc<AppType>('/', {
  fetch: (input: RequestInfo | URL, init?: RequestInit) =>
    fetch(input, { ...init, credentials: 'same-origin', headers: { Accept: 'application/json' } }),
})

function filterQuery(p: ExportParams): Record<string, string> {
  const q: Record<string, string> = { pairs: p.pairs, revisions: p.revisions }
  if (p.batch) q.batch = p.batch
  if (p.since) q.since = p.since
  if (p.gold === 'include') q.gold = 'include'
  return q
}

/** The export's query string for a format and the filters; `extra` adds `limit` or `download`. */
export function exportQuery(p: ExportParams, extra: Record<string, string> = {}): string {
  return new URLSearchParams({ format: p.format, ...filterQuery(p), ...extra }).toString()
}

async function refusal(res: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await res.json()
  } catch {
    // not JSON
  }
  const error = body && typeof body === 'object' && 'error' in body ? String(body.error) : `${res.status} ${res.statusText}`
  return new ApiError(res.status, error, body)
}

/** Records and rows per format for the filters. */
export async function getExportCounts(p: ExportParams): Promise<ExportCountsBody> {
  let res: Response
  try {
    res = (await client.api.export.counts.$get({ query: filterQuery(p) })) as unknown as Response
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and retry.', null)
  }
  if (!res.ok) throw await refusal(res)
  return (await res.json()) as ExportCountsBody
}

/** The first `limit` rows of the export, parsed. */
export async function getExportPreview(p: ExportParams, limit: number): Promise<Record<string, unknown>[]> {
  let res: Response
  try {
    res = await fetch(`/api/export?${exportQuery(p, { limit: String(limit) })}`, { credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and retry.', null)
  }
  if (!res.ok) throw await refusal(res)
  const text = await res.text()
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** The download link: the same GET with `download=1`, so the server names the file. */
export function exportDownloadHref(p: ExportParams): string {
  return `/api/export?${exportQuery(p, { download: '1' })}`
}
