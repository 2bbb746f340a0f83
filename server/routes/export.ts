/**
 * `GET /api/export?format=native[&revisions=all]` (lead): the finalized review records as an
 * NDJSON stream, the latest revision of each task unless `revisions=all`, in a deterministic
 * order (task id, then revision). A record that fails its hash check is never exported: the
 * export is refused before it starts, or cut off if the file changes while it streams.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { exportRecords } from '../services/records'
import type { RevisionSelection } from '../services/records'
import { RecordIntegrityError } from '../storage/records'

/** Formats this server builds. */
export const EXPORT_FORMATS = ['native'] as const

/** The export route: verify everything, then stream one record per line. */
export function exportRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/', requireRole('lead'), (c) => {
    const format = c.req.query('format') ?? 'native'
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new HTTPException(400, { message: `export format "${format}" is not yet supported (supported: ${EXPORT_FORMATS.join(', ')})` })
    }
    const rev = c.req.query('revisions') ?? 'latest'
    if (rev !== 'latest' && rev !== 'all') {
      throw new HTTPException(400, { message: 'revisions must be "all" or "latest"' })
    }
    const selection = rev as RevisionSelection
    try {
      // A first pass verifies every record, so a tampered one refuses the whole export up front.
      for (const _ of exportRecords(deps.records, selection)) void _
    } catch (err) {
      if (!(err instanceof RecordIntegrityError)) throw err
      deps.log.error('export refused: a review record fails its integrity check', err, { task: err.taskId, revision: err.revision })
      return c.json({ error: `${err.message}; nothing was exported` }, 500)
    }
    const records = exportRecords(deps.records, selection)
    const encoder = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        try {
          const next = records.next()
          if (next.done) return controller.close()
          controller.enqueue(encoder.encode(JSON.stringify(next.value) + '\n'))
        } catch (err) {
          deps.log.error('export stopped: a review record fails its integrity check', err)
          controller.error(err)
        }
      },
    })
    return c.body(body, 200, {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Cache-Control': 'no-store',
    })
  })
}
