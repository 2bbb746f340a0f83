/**
 * `GET /api/export` (lead): finalized review records as an NDJSON stream in any export format,
 * filtered by batch, finalize time and revisions, in a deterministic order (task id, then
 * revision; `kto` in a seeded shuffle); and `GET /api/export/counts`: records and rows per format for the same filter.
 * Gold tasks are left out of both unless `gold=include` (`gold=exclude` is the default). A
 * record that fails its hash check is never exported: the export is refused before it starts, or
 * cut off if the file changes while it streams.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { parseExportQuery, parseRecordFilter } from '../../shared/exports/query'
import type { RecordFilter } from '../../shared/exports/query'
import { PAIR_POLICIES } from '../../shared/exports/pairs'
import type { PairPolicy } from '../../shared/exports/pairs'
import { DEFAULT_PAIRS } from '../../shared/exports/formats'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { exportCounts, exportLines, scanSelection } from '../services/exportRecords'
import type { Selection } from '../services/exportRecords'
import { RecordIntegrityError } from '../storage/records'

/** About how many characters one pull of the export stream reads before handing them on. */
const CHUNK_CHARS = 64 * 1024

/**
 * The tasks an export leaves out: the gold tasks, unless the query says `gold=include`. Pushes a
 * problem for any other value of `gold`.
 */
function leftOut(deps: AppDeps, gold: string | undefined, errors: string[]): ReadonlySet<string> {
  if (gold === undefined || gold === 'exclude') return deps.gold.taskIds()
  if (gold !== 'include') errors.push(`gold must be include or exclude (got "${gold.slice(0, 40)}")`)
  return new Set()
}

function badRequest(errors: string[]): never {
  throw new HTTPException(400, { message: errors.join('; ') })
}

/** The export routes; both verify every selected record before answering. */
export function exportRoutes(deps: AppDeps) {
  const checkBatch = (filter: RecordFilter) => {
    if (filter.batch !== null && !deps.db.batch(filter.batch)) badRequest([`unknown batch "${filter.batch}"`])
  }
  const refused = (err: unknown) => {
    if (!(err instanceof RecordIntegrityError)) throw err
    deps.log.error('export refused: a review record fails its integrity check', err, { task: err.taskId, revision: err.revision })
    return { error: `${err.message}; nothing was exported` }
  }
  return new Hono<AppEnv>()
    .get('/counts', requireRole('lead'), (c) => {
      const { filter, errors } = parseRecordFilter((n) => c.req.query(n))
      const pairs = c.req.query('pairs') ?? DEFAULT_PAIRS
      if (!(PAIR_POLICIES as readonly string[]).includes(pairs)) errors.push(`pairs must be one of ${PAIR_POLICIES.join(', ')} (got "${pairs}")`)
      const leaveOut = leftOut(deps, c.req.query('gold'), errors)
      if (!filter || errors.length > 0) return badRequest(errors)
      checkBatch(filter)
      try {
        const counts = exportCounts(deps.records, filter, pairs as PairPolicy, leaveOut)
        // The batches the page offers as a filter: every batch that has tasks.
        const batches = [...new Set(deps.db.tasks.map((t) => t.batch))].sort()
        return c.json({ ...counts, batches }, 200, { 'Cache-Control': 'no-store' })
      } catch (err) {
        return c.json(refused(err), 500)
      }
    })
    .get('/', requireRole('lead'), (c) => {
      const { query, errors } = parseExportQuery((n) => c.req.query(n))
      const leaveOut = leftOut(deps, c.req.query('gold'), errors)
      if (!query || errors.length > 0) return badRequest(errors)
      checkBatch(query)
      const download = c.req.query('download')
      if (download !== undefined && download !== '1' && download !== '0') badRequest(['download must be 1 or 0'])
      let selection: Selection
      try {
        // The first pass verifies every record and decides the file's prompt form (shared/exports/prompts.ts).
        selection = scanSelection(deps.records, query, leaveOut)
      } catch (err) {
        return c.json(refused(err), 500)
      }
      const lines = exportLines(deps.records, query, selection, undefined, leaveOut)
      const encoder = new TextEncoder()
      const body = new ReadableStream<Uint8Array>({
        // Records are read only when the reader pulls, about CHUNK_CHARS at a time: backpressure
        // keeps memory flat in the number of records, and few large chunks keep the stream cheap.
        pull(controller) {
          try {
            let chunk = ''
            let done = false
            while (chunk.length < CHUNK_CHARS) {
              const next = lines.next()
              if (next.done) {
                done = true
                break
              }
              chunk += next.value
            }
            if (chunk) controller.enqueue(encoder.encode(chunk))
            if (done) controller.close()
          } catch (err) {
            deps.log.error('export stopped: a review record fails its integrity check', err)
            controller.error(err)
          }
        },
        cancel() {
          lines.return(undefined)
        },
      })
      const headers: Record<string, string> = {
        'Content-Type': 'application/x-ndjson; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Export-Records': String(selection.records),
        'X-Export-Prompt-Form': selection.promptForm,
      }
      if (download === '1') headers['Content-Disposition'] = `attachment; filename=codejury-${query.format}.jsonl`
      return c.body(body, 200, headers)
    })
}
