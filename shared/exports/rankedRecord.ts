/** A review record read for export: its prompt, its ranked candidates with code, and the identifying columns. */
import type { ReviewRecord } from '../record'
import type { Prompt, RubricCriterion } from '../types'
import { readPrompt } from './prompts'

/** The columns every row of every format carries, so a row can always be traced to its record. */
export interface RowIdentity {
  task_id: string
  revision: number
  record_hash: string
}

/** A record as the formats need it; built once per record, shared by every row it gives. */
export interface RankedRecord {
  identity: RowIdentity
  prompt: Prompt
  /** Ranked candidates, best first, each with its code and model. */
  ranked: { id: string; code: string; model: string | null }[]
  ratings: Record<string, Record<string, number>>
  rubric: RubricCriterion[]
  record: ReviewRecord
}

/**
 * Reads a record for export. The ranking keeps only ids of the record's candidates, each once, so
 * a pair never names a candidate whose code the row cannot carry.
 */
export function toRankedRecord(record: ReviewRecord): RankedRecord {
  const byId = new Map(record.candidates.map((c) => [c.id, c]))
  const seen = new Set<string>()
  const ranked: RankedRecord['ranked'] = []
  for (const id of record.ranking ?? []) {
    const c = byId.get(id)
    if (!c || seen.has(id)) continue
    seen.add(id)
    ranked.push({ id, code: c.code, model: c.model ?? null })
  }
  return {
    identity: { task_id: record.task_id, revision: record.revision, record_hash: record.record_hash },
    prompt: readPrompt(record.prompt),
    ranked,
    ratings: record.ratings ?? {},
    rubric: Array.isArray(record.rubric) ? record.rubric : [],
    record,
  }
}
