/** Hand-made, sealed review records for export tests and the export benchmark (no server needed). */
import { sealRecord } from '../../shared/record'
import type { ReviewRecord } from '../../shared/record'
import type { Prompt, RubricCriterion } from '../../shared/types'

/** A 1–5 rubric of two criteria, as a batch would carry it. */
export const RUBRIC: RubricCriterion[] = [
  { id: 'correctness', name: 'Correctness', description: 'right for all inputs', min: 1, max: 5 },
  { id: 'style', name: 'Style', description: 'clear', min: 0, max: 10 },
]

export interface MakeRecordOptions {
  taskId?: string
  revision?: number
  batch?: string
  prompt?: Prompt
  /** Candidate ids best first; each gets code `code of <id>`. */
  ranking?: string[]
  ratings?: Record<string, Record<string, number>>
  rubric?: RubricCriterion[]
  solution?: string
  finalizedAt?: string
}

/** A sealed record with `n` candidates ranked as given (default a, b, c), valid for the record store. */
export function makeRecord(o: MakeRecordOptions = {}): ReviewRecord {
  const ranking = o.ranking ?? ['a', 'b', 'c']
  return sealRecord({
    task_id: o.taskId ?? 't1',
    revision: o.revision ?? 1,
    batch: o.batch ?? 'test',
    prompt: o.prompt ?? '# Add\nWrite `add(a, b)`.',
    language: 'python',
    entry_point: 'add',
    candidates: [...ranking].sort().map((id) => ({ id, code: `code of ${id}`, model: `model-${id}` })),
    ranking,
    ratings: o.ratings ?? {},
    explanation: 'Because.',
    solution: o.solution ?? 'def add(a, b):\n    return a + b\n',
    tests: 'def test_add():\n    assert add(1, 2) == 3\n',
    runs: {},
    derived_checks: { reference_passes: null, pass_rates: {}, ranking_agrees_with_runs: null, suite_fails_a_candidate: null },
    threads: [],
    ballots: [],
    participants: [
      { user: 'u-ann', name: 'Ann', role: 'annotator', active_ms: 1000 },
      { user: 'u-lead', name: 'Lee', role: 'lead', active_ms: 10 },
    ],
    finalized_by: 'u-lead',
    finalized_at: o.finalizedAt ?? '2026-11-27T10:00:00.000Z',
    rubric: o.rubric ?? [],
  })
}
