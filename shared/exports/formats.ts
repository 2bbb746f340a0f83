/** The export formats: their names, which prompt form they take, and one record turned into rows. */
import { recordWithImportIds } from '../blind'
import type { ReviewRecord } from '../record'
import { PairPolicy, pairCount } from './pairs'
import type { PairPolicy as PairPolicyT } from './pairs'
import { humanevalItem } from './humaneval'
import type { HumanevalSkip } from './humaneval'
import { openaiPreferenceRows, dpoRows, rewardRows } from './preferenceRows'
import { PromptForm } from './prompts'
import { toRankedRecord } from './rankedRecord'
import { desirableCount, humanevalRows, ktoRows, rankingRows, sftRows } from './singleRows'

/** Every format `GET /api/export` and `codejury export` write (docs/formats.md#export). */
export const ExportFormat = {
  native: 'native',
  dpo: 'dpo',
  reward: 'reward',
  kto: 'kto',
  sft: 'sft',
  humaneval: 'humaneval',
  ranking: 'ranking',
  openaiPreference: 'openai-preference',
} as const
export type ExportFormat = (typeof ExportFormat)[keyof typeof ExportFormat]
export const EXPORT_FORMATS: readonly ExportFormat[] = Object.values(ExportFormat)

/** The formats TRL trainers load (DPOTrainer, RewardTrainer, KTOTrainer, SFTTrainer). */
export const TRL_FORMATS: readonly ExportFormat[] = ['dpo', 'reward', 'kto', 'sft']

/** Formats whose rows are pairs, so `pairs=` applies. */
export const PAIRWISE_FORMATS: readonly ExportFormat[] = ['dpo', 'reward', 'openai-preference']

/** True when `s` names a format. */
export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s)
}

/** What one export decides once for the whole file. */
export interface ExportOptions {
  format: ExportFormat
  pairs: PairPolicyT
  /** Decided by a pass over the selected records' prompt kinds (see prompts.ts PromptForm). */
  promptForm: PromptForm
}

/** The rows one record gives in a format, in a fixed order. `native` is the record itself. */
export function exportRows(record: ReviewRecord, options: ExportOptions): Record<string, unknown>[] {
  if (options.format === ExportFormat.native) return [record as unknown as Record<string, unknown>]
  // Rows name candidates by their import ids, whatever ids the rooms used (blind batches).
  record = recordWithImportIds(record)
  const r = toRankedRecord(record)
  const form = options.promptForm
  switch (options.format) {
    case 'dpo':
      return dpoRows(r, form, options.pairs)
    case 'reward':
      return rewardRows(r, form, options.pairs)
    case 'openai-preference':
      return openaiPreferenceRows(r, options.pairs)
    case 'kto':
      return ktoRows(r, form)
    case 'sft':
      return sftRows(r, form)
    case 'humaneval':
      return humanevalRows(r)
    case 'ranking':
      return rankingRows(r, form)
  }
}

/** How many rows `exportRows` gives for a record, without building them (the counts route). */
export function rowCount(record: ReviewRecord, format: ExportFormat, pairs: PairPolicyT): number {
  if (format === 'native' || format === 'ranking') return 1
  if (format === 'humaneval') return humanevalRows(toRankedRecord(record)).length
  if (format === 'sft') return (record.solution ?? '').trim() === '' ? 0 : 1
  const n = toRankedRecord(record).ranked.length
  if (format === 'kto') return n
  return pairCount(n, pairs)
}

/** Why a record gives no `humaneval` item (not Python, no entry point…), or null when it gives one. */
export function humanevalSkipOf(record: ReviewRecord): HumanevalSkip | null {
  const r = toRankedRecord(record)
  const built = humanevalItem({ language: record.language, prompt: r.prompt, entry_point: record.entry_point, solution: record.solution ?? '', tests: record.tests ?? '' })
  return 'skip' in built ? built.skip : null
}

/** Default pair policy when `pairs` is not given. */
export const DEFAULT_PAIRS: PairPolicyT = PairPolicy.all

/** How many desirable rows a KTO export gives for n ranked candidates (re-exported for the page). */
export { desirableCount }
