/**
 * Reading finalized records for an export: which records a filter selects, the one pass that
 * verifies them and decides the prompt form, the NDJSON lines, and the counts the page shows.
 * Everything streams record by record; nothing holds more than one record at a time.
 */
import { EXPORT_FORMATS, exportRows, rowCount } from '../../shared/exports/formats'
import type { ExportFormat } from '../../shared/exports/formats'
import type { PairPolicy } from '../../shared/exports/pairs'
import { PromptForm, promptFormOf } from '../../shared/exports/prompts'
import type { ExportQuery, RecordFilter } from '../../shared/exports/query'
import type { RecordStore, SealedRecord } from '../storage/records'

function selected(record: SealedRecord, filter: RecordFilter): boolean {
  if (filter.batch !== null && record.batch !== filter.batch) return false
  if (filter.sinceSeq !== null && !(record.seq > filter.sinceSeq)) return false
  if (filter.sinceMs !== null && !(Date.parse(record.finalized_at) >= filter.sinceMs)) return false
  return true
}

/**
 * The records a filter selects, in a deterministic order: task ids in code-point order, then
 * revisions oldest first. Every record is verified as it is read; a tampered one throws
 * RecordIntegrityError. With `revisions: 'latest'` a task counts by its latest revision only: an
 * older revision is never exported in its place, whatever the other filters say.
 */
export function* selectRecords(store: RecordStore, filter: RecordFilter): Generator<SealedRecord> {
  // Only what was committed when the pass began: a reader who resumes from the highest seq it
  // received (`since_seq`) then misses nothing committed while it read.
  const upToSeq = store.lastSeq
  for (const taskId of store.taskIds()) {
    const revs = store.revisions(taskId)
    const chosen = filter.revisions === 'all' ? revs : revs.slice(-1)
    for (const rev of chosen) {
      const record = store.read(taskId, rev)
      if (record && record.seq <= upToSeq && selected(record, filter)) yield record
    }
  }
}

/** What the first pass learns: how many records, and the prompt form the whole file takes. */
export interface Selection {
  records: number
  promptForm: PromptForm
}

/**
 * The first pass of an export: verifies every selected record (so a tampered one refuses the
 * export before a byte is sent) and decides the prompt form: conversational as soon as one record
 * has a conversational prompt, so no column mixes strings and message lists.
 */
export function scanSelection(store: RecordStore, filter: RecordFilter): Selection {
  let records = 0
  let promptForm: PromptForm = PromptForm.standard
  for (const record of selectRecords(store, filter)) {
    records++
    if (promptFormOf(record.prompt) === PromptForm.conversational) promptForm = PromptForm.conversational
  }
  return { records, promptForm }
}

/** Progress of a running export, for logs and the CLI. */
export interface ExportProgress {
  records: number
  rows: number
}

/**
 * The export's NDJSON lines (each ending in `\n`), one record read at a time, stopping after
 * `query.limit` rows. `progress` is updated as lines are produced.
 */
export function* exportLines(
  store: RecordStore,
  query: ExportQuery,
  promptForm: PromptForm,
  progress: ExportProgress = { records: 0, rows: 0 },
): Generator<string> {
  const options = { format: query.format, pairs: query.pairs, promptForm }
  for (const record of selectRecords(store, query)) {
    progress.records++
    let chunk = ''
    for (const row of exportRows(record, options)) {
      if (query.limit !== null && progress.rows >= query.limit) break
      chunk += JSON.stringify(row) + '\n'
      progress.rows++
    }
    if (chunk) yield chunk
    if (query.limit !== null && progress.rows >= query.limit) return
  }
}

/** Records and rows per format for a filter: what the export page shows before a download. */
export interface ExportCounts extends Selection {
  pairs: PairPolicy
  rows: Record<ExportFormat, number>
}

/** Counts one pass over the selection (verifying it too); rows are counted, never built. */
export function exportCounts(store: RecordStore, filter: RecordFilter, pairs: PairPolicy): ExportCounts {
  const rows = Object.fromEntries(EXPORT_FORMATS.map((f) => [f, 0])) as Record<ExportFormat, number>
  let records = 0
  let promptForm: PromptForm = PromptForm.standard
  for (const record of selectRecords(store, filter)) {
    records++
    if (promptFormOf(record.prompt) === PromptForm.conversational) promptForm = PromptForm.conversational
    for (const f of EXPORT_FORMATS) rows[f] += rowCount(record, f, pairs)
  }
  return { records, promptForm, pairs, rows }
}
