/**
 * Reading finalized records for an export: which records a filter selects, the one pass that
 * verifies them and decides the prompt form, the NDJSON lines, and the counts the page shows.
 * Everything streams record by record; nothing holds more than one record at a time (`kto` also
 * holds a bounded window of rows, and the selected records' ids for its seeded order).
 */
import { EXPORT_FORMATS, desirableCount, exportRows, humanevalSkipOf, rowCount } from '../../shared/exports/formats'
import type { ExportFormat } from '../../shared/exports/formats'
import { HUMANEVAL_SKIPS } from '../../shared/exports/humaneval'
import type { HumanevalSkip } from '../../shared/exports/humaneval'
import { NeighbourInterleaver, seededOrder, seededShuffle } from '../../shared/exports/ktoOrder'
import { ktoBalance } from '../../shared/exports/ktoWeights'
import type { KtoBalance } from '../../shared/exports/ktoWeights'
import type { PairPolicy } from '../../shared/exports/pairs'
import { PromptForm, promptFormOf } from '../../shared/exports/prompts'
import type { ExportQuery, RecordFilter } from '../../shared/exports/query'
import type { SealedRecord } from '../storage/records'
import type { ReviewRecordStore } from '../storage/recordStores'

function selected(record: SealedRecord, filter: RecordFilter): boolean {
  if (filter.batch !== null && record.batch !== filter.batch) return false
  if (filter.sinceSeq !== null && !(record.seq > filter.sinceSeq)) return false
  if (filter.sinceMs !== null && !(Date.parse(record.finalized_at) >= filter.sinceMs)) return false
  return true
}

/** No task left out. */
const NONE: ReadonlySet<string> = new Set()

/**
 * The records a filter selects (every task in `leaveOut` left out: gold tasks, unless asked for),
 * in a deterministic order: task ids in code-point order, then
 * revisions oldest first. Every record is verified as it is read; a tampered one throws
 * RecordIntegrityError. With `revisions: 'latest'` a task counts by its latest revision only: an
 * older revision is never exported in its place, whatever the other filters say.
 */
export function* selectRecords(store: ReviewRecordStore, filter: RecordFilter, leaveOut: ReadonlySet<string> = NONE): Generator<SealedRecord> {
  // Only what was committed when the pass began: a reader who resumes from the highest seq it
  // received (`since_seq`) then misses nothing committed while it read.
  const upToSeq = store.lastSeq
  for (const taskId of store.taskIds()) {
    if (leaveOut.has(taskId)) continue
    const revs = store.revisions(taskId)
    const chosen = filter.revisions === 'all' ? revs : revs.slice(-1)
    for (const rev of chosen) {
      const record = store.read(taskId, rev)
      if (record && record.seq <= upToSeq && selected(record, filter)) yield record
    }
  }
}

/** Which record: a task id and one of its revisions. */
export interface RecordKey {
  taskId: string
  revision: number
}

/** What the first pass learns: how many records, the prompt form the whole file takes, and which records. */
export interface Selection {
  records: number
  promptForm: PromptForm
  keys: RecordKey[]
}

/**
 * The first pass of an export: verifies every selected record (so a tampered one refuses the
 * export before a byte is sent) and decides the prompt form: conversational as soon as one record
 * has a conversational prompt, so no column mixes strings and message lists.
 */
export function scanSelection(store: ReviewRecordStore, filter: RecordFilter, leaveOut: ReadonlySet<string> = NONE): Selection {
  let records = 0
  let promptForm: PromptForm = PromptForm.standard
  const keys: RecordKey[] = []
  for (const record of selectRecords(store, filter, leaveOut)) {
    records++
    keys.push({ taskId: record.task_id, revision: record.revision })
    if (promptFormOf(record.prompt) === PromptForm.conversational) promptForm = PromptForm.conversational
  }
  return { records, promptForm, keys }
}

/** Progress of a running export, for logs and the CLI. */
export interface ExportProgress {
  records: number
  rows: number
}

/**
 * The export's NDJSON lines (each ending in `\n`), one record read at a time, stopping after
 * `query.limit` rows. `progress` is updated as lines are produced. `kto` takes its own order.
 */
export function* exportLines(
  store: ReviewRecordStore,
  query: ExportQuery,
  selection: Selection,
  progress: ExportProgress = { records: 0, rows: 0 },
  leaveOut: ReadonlySet<string> = NONE,
): Generator<string> {
  if (query.format === 'kto') {
    yield* ktoLines(store, query, selection, progress)
    return
  }
  const options = { format: query.format, pairs: query.pairs, promptForm: selection.promptForm }
  for (const record of selectRecords(store, query, leaveOut)) {
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

const keyText = (k: RecordKey) => `${k.taskId}\u0000${k.revision}`

/**
 * `kto` lines: records in the seeded order of `query.seed`, each record's rows shuffled by the
 * same seed, then interleaved within a bounded window so that no two neighbours share a prompt
 * whenever the rows allow it (TRL's KTOTrainer pairs each row with a neighbour's completion for
 * its KL term; a neighbour with the same prompt makes that term meaningless).
 */
function* ktoLines(store: ReviewRecordStore, query: ExportQuery, selection: Selection, progress: ExportProgress): Generator<string> {
  const options = { format: query.format, pairs: query.pairs, promptForm: selection.promptForm }
  const mix = new NeighbourInterleaver<string>()
  const full = () => query.limit !== null && progress.rows >= query.limit
  let chunk = ''
  const emit = (lines: string[]) => {
    for (const line of lines) {
      if (full()) return
      chunk += line
      progress.rows++
    }
  }
  for (const key of seededOrder(selection.keys, keyText, query.seed)) {
    const record = store.read(key.taskId, key.revision)
    if (!record) continue
    progress.records++
    const rows = exportRows(record, options)
    if (rows.length === 0) continue
    const group = JSON.stringify(rows[0].prompt)
    for (const row of seededShuffle(rows, keyText(key), query.seed)) emit(mix.push(group, JSON.stringify(row) + '\n'))
    if (chunk) yield chunk
    chunk = ''
    if (full()) return
  }
  emit(mix.flush())
  if (chunk) yield chunk
}

/** Records and rows per format for a filter: what the export page shows before a download. */
export interface ExportCounts {
  records: number
  promptForm: PromptForm
  pairs: PairPolicy
  rows: Record<ExportFormat, number>
  /** `kto`'s desirable and undesirable rows and the KTOConfig weights that balance them. */
  kto: KtoBalance
  /** Records `humaneval` leaves out, by reason (a task that is not Python, one with no entry point…). */
  humaneval_left_out: Record<HumanevalSkip, number>
}

/** Counts one pass over the selection (verifying it too); rows are counted, never built. */
export function exportCounts(store: ReviewRecordStore, filter: RecordFilter, pairs: PairPolicy, leaveOut: ReadonlySet<string> = NONE): ExportCounts {
  const rows = Object.fromEntries(EXPORT_FORMATS.map((f) => [f, 0])) as Record<ExportFormat, number>
  let records = 0
  let promptForm: PromptForm = PromptForm.standard
  let desirable = 0
  const leftOut = Object.fromEntries(HUMANEVAL_SKIPS.map((k) => [k, 0])) as Record<HumanevalSkip, number>
  for (const record of selectRecords(store, filter, leaveOut)) {
    records++
    if (promptFormOf(record.prompt) === PromptForm.conversational) promptForm = PromptForm.conversational
    for (const f of EXPORT_FORMATS) rows[f] += rowCount(record, f, pairs)
    desirable += desirableCount(rowCount(record, 'kto', pairs))
    const skip = humanevalSkipOf(record)
    if (skip !== null) leftOut[skip]++
  }
  return { records, promptForm, pairs, rows, kto: ktoBalance(desirable, rows.kto - desirable), humaneval_left_out: leftOut }
}
