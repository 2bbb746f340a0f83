/** The export's parameters (`format`, `pairs`, `batch`, `since`, `since_seq`, `revisions`, `limit`, `seed`) parsed and checked in one place. */
import { DEFAULT_PAIRS, EXPORT_FORMATS, isExportFormat } from './formats'
import type { ExportFormat } from './formats'
import { DEFAULT_KTO_SEED, MAX_KTO_SEED } from './ktoOrder'
import { PAIR_POLICIES } from './pairs'
import type { PairPolicy } from './pairs'

/** Which revisions an export includes: the latest of each finalized task, or every one. */
export type RevisionSelection = 'latest' | 'all'

/** The records an export selects, before any format is applied. */
export interface RecordFilter {
  batch: string | null
  /** Only records finalized at or after this instant (milliseconds since the epoch). */
  sinceMs: number | null
  /** Only records committed after this `seq` (an incremental export's cursor). */
  sinceSeq: number | null
  revisions: RevisionSelection
}

/** A checked export request. */
export interface ExportQuery extends RecordFilter {
  format: ExportFormat
  pairs: PairPolicy
  /** At most this many rows (the page's preview); null for all. */
  limit: number | null
  /** The seed of `kto`'s shuffle (see ktoOrder.ts); other formats keep task order. */
  seed: number
}

/** The largest `limit` accepted; a preview never needs more. */
export const MAX_EXPORT_LIMIT = 1_000_000

// An ISO 8601 date or date-time: `2026-11-27`, `2026-11-27T13:00`, with seconds, fraction and zone.
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * Parses the record filter; every problem is returned as a message a person can act on, never
 * silently defaulted (a typo in `since` must not export everything).
 */
export function parseRecordFilter(get: (name: string) => string | undefined): { filter?: RecordFilter; errors: string[] } {
  const errors: string[] = []
  const batch = get('batch')
  if (batch !== undefined && batch.trim() === '') errors.push('batch must not be empty')
  const since = get('since')
  let sinceMs: number | null = null
  if (since !== undefined && since !== '') {
    sinceMs = ISO.test(since) ? Date.parse(since) : NaN
    if (!Number.isFinite(sinceMs)) errors.push(`since must be an ISO 8601 date or date-time, e.g. 2026-11-27 or 2026-11-27T09:00:00Z (got "${since}")`)
  }
  const sinceSeqText = get('since_seq')
  let sinceSeq: number | null = null
  if (sinceSeqText !== undefined && sinceSeqText !== '') {
    sinceSeq = /^(0|[1-9][0-9]{0,14})$/.test(sinceSeqText) ? Number(sinceSeqText) : null
    if (sinceSeq === null) errors.push(`since_seq must be a whole number, the highest seq already exported (got "${sinceSeqText}")`)
  }
  const revisions = get('revisions') ?? 'latest'
  if (revisions !== 'latest' && revisions !== 'all') errors.push(`revisions must be "latest" or "all" (got "${revisions}")`)
  if (errors.length > 0) return { errors }
  return { filter: { batch: batch ?? null, sinceMs, sinceSeq, revisions: revisions as RevisionSelection }, errors }
}

/** Parses a full export request: the filter plus format, pairs and limit. */
export function parseExportQuery(get: (name: string) => string | undefined): { query?: ExportQuery; errors: string[] } {
  const { filter, errors } = parseRecordFilter(get)
  const format = get('format') ?? 'native'
  if (!isExportFormat(format)) errors.push(`format must be one of ${EXPORT_FORMATS.join(', ')} (got "${format}")`)
  const pairs = get('pairs') ?? DEFAULT_PAIRS
  if (!(PAIR_POLICIES as readonly string[]).includes(pairs)) errors.push(`pairs must be one of ${PAIR_POLICIES.join(', ')} (got "${pairs}")`)
  const limitText = get('limit')
  let limit: number | null = null
  if (limitText !== undefined) {
    limit = /^[1-9][0-9]{0,6}$/.test(limitText) ? Number(limitText) : NaN
    if (!Number.isInteger(limit) || limit > MAX_EXPORT_LIMIT) errors.push(`limit must be a whole number from 1 to ${MAX_EXPORT_LIMIT} (got "${limitText}")`)
  }
  const seedText = get('seed')
  let seed = DEFAULT_KTO_SEED
  if (seedText !== undefined) {
    seed = /^(0|[1-9][0-9]{0,9})$/.test(seedText) ? Number(seedText) : NaN
    if (!Number.isInteger(seed) || seed > MAX_KTO_SEED) errors.push(`seed must be a whole number from 0 to ${MAX_KTO_SEED} (got "${seedText}")`)
  }
  if (errors.length > 0 || !filter) return { errors }
  return { query: { ...filter, format: format as ExportFormat, pairs: pairs as PairPolicy, limit, seed }, errors }
}
