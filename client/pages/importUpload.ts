/** Uploads a JSONL import with XMLHttpRequest, the one browser API that reports upload progress. */
import type { LineError } from '../../shared/validation'

/** What the import route answers: the counts, or every problem by line, or one message. */
export type ImportOutcome =
  | { ok: true; batch: string; batchCreated: boolean; blind: boolean; imported: number; ids: string[]; skipped: number; skippedIds: string[] }
  | { ok: false; status: number; errors: LineError[]; message: string }

/** Options of `POST /api/tasks/import`. */
export interface ImportRequest {
  batch: string
  file: Blob
  skipExisting: boolean
  assign: string[]
  /** Whether a batch the import creates is blind (the server's default when absent: blind). */
  blind?: boolean
  /** Called with the fraction of the body sent, 0–1. */
  onProgress: (fraction: number) => void
}

/**
 * Posts the file as `application/x-ndjson` with the session cookie, as client/api.ts does
 * (same-origin credentials, `Accept: application/json`); the browser adds the Origin header the
 * server's CSRF check reads. Resolves with the outcome; never rejects.
 */
export function uploadImport(req: ImportRequest): Promise<ImportOutcome> {
  const query = new URLSearchParams({ batch: req.batch })
  if (req.skipExisting) query.set('onConflict', 'skip')
  if (req.assign.length) query.set('assign', req.assign.join(','))
  if (req.blind !== undefined) query.set('blind', req.blind ? '1' : '0')
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/tasks/import?${query}`)
    xhr.setRequestHeader('Content-Type', 'application/x-ndjson')
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) req.onProgress(e.loaded / e.total)
    }
    xhr.upload.onload = () => req.onProgress(1)
    xhr.onerror = () => resolve({ ok: false, status: 0, errors: [], message: 'The server cannot be reached. Check your connection and retry.' })
    xhr.onload = () => {
      let body: Record<string, unknown> = {}
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>
      } catch {
        // not JSON: the status says enough
      }
      if (xhr.status === 200) return resolve({ ok: true, ...(body as Omit<Extract<ImportOutcome, { ok: true }>, 'ok'>) })
      const errors = Array.isArray(body.errors) ? (body.errors as LineError[]) : []
      const message = typeof body.error === 'string' ? body.error : `${xhr.status} ${xhr.statusText || 'import refused'}`
      resolve({ ok: false, status: xhr.status, errors, message })
    }
    xhr.send(req.file)
  })
}
