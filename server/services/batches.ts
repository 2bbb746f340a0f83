/** Creating and editing batches: settings only; a change never rewrites a task or a record. */
import { DEFAULT_RUN_TIMEOUT_MS } from '../../shared/types'
import type { Batch, RubricCriterion } from '../../shared/types'
import type { BatchInput } from '../../shared/validation'
import type { RecordsDb } from '../storage/recordsDb'
import { TaskIndex } from './taskIndex'

/** The rubric a batch gets when nobody gave it one (an import-created batch, or a new one without). */
export const DEFAULT_RUBRIC: RubricCriterion[] = [
  { id: 'correctness', name: 'Correctness', description: 'Does it solve the task for all valid inputs, edge cases included?', min: 1, max: 5 },
  { id: 'efficiency', name: 'Efficiency', description: 'Is its time and memory use reasonable for the input sizes the task implies?', min: 1, max: 5 },
  { id: 'readability', name: 'Readability', description: 'Is it clear, idiomatic and easy to maintain?', min: 1, max: 5 },
]

/**
 * Defaults of a batch made on the batches page or `POST /api/batches`: blind (blind judging is
 * on by default for new batches), collaborative, the default rubric, 5 s per test subject.
 */
export const NEW_BATCH_DEFAULTS = {
  mode: 'collaborative',
  guidelines: '',
  rubric: DEFAULT_RUBRIC,
  blind: true,
  run_timeout_ms: DEFAULT_RUN_TIMEOUT_MS,
} as const satisfies Omit<Batch, 'name' | 'createdAt' | 'updatedAt'>

/** The outcome of `saveBatch`: the batch as stored, and whether it was new. */
export interface SavedBatch {
  batch: Batch
  created: boolean
}

/**
 * Creates a batch, or updates the named one with the fields `input` carries (the others are
 * kept). Only the batch's settings change: tasks keep their ids and rooms, and finalized records
 * keep the batch settings they were judged under, because records are immutable.
 */
export async function saveBatch(db: RecordsDb, input: BatchInput): Promise<SavedBatch> {
  const now = new Date().toISOString()
  const existing = db.batch(input.name)
  const base: Batch = existing ?? { name: input.name, ...NEW_BATCH_DEFAULTS, rubric: [...DEFAULT_RUBRIC], createdAt: now, updatedAt: now }
  const batch: Batch = {
    ...base,
    mode: input.mode ?? base.mode,
    guidelines: input.guidelines ?? base.guidelines,
    rubric: input.rubric ? input.rubric.map((c) => ({ ...c })) : base.rubric,
    blind: input.blind ?? base.blind,
    run_timeout_ms: input.run_timeout_ms ?? base.run_timeout_ms,
    updatedAt: now,
  }
  await db.putBatch(batch)
  return { batch, created: !existing }
}

/** A batch as the batches page lists it: its settings and how many tasks it holds. */
export interface BatchSummary extends Batch {
  taskCount: number
}

/** Every batch with its task count (from the list index, which reads no task), by name. */
export function listBatches(db: RecordsDb): BatchSummary[] {
  const counts = TaskIndex.of(db).batchCounts()
  return db.batches
    .map((b) => ({ ...b, taskCount: counts.get(b.name) ?? 0 }))
    .sort((a, b) => a.name.localeCompare(b.name))
}
