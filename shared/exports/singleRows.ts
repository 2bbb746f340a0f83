/** Formats with one row per candidate or per record: `kto`, `sft`, `humaneval`, `ranking`. */
import { humanevalItem } from './humaneval'
import { toCompletion, toPromptColumn, toTrainingPrompt } from './prompts'
import type { PromptForm } from './prompts'
import type { RankedRecord } from './rankedRecord'

type Row = Record<string, unknown>

/**
 * How many of n ranked candidates KTO labels desirable: the upper half, rounded down, and at least
 * the best one (two candidates: the best; three: the best; four: the top two).
 */
export function desirableCount(n: number): number {
  return n === 0 ? 0 : Math.max(1, Math.floor(n / 2))
}

/** `kto`: TRL's unpaired preference type, one row per ranked candidate with a boolean `label`. */
export function ktoRows(r: RankedRecord, form: PromptForm): Row[] {
  const prompt = toTrainingPrompt(r.prompt, form)
  const good = desirableCount(r.ranked.length)
  return r.ranked.map((c, i) => ({
    prompt,
    completion: toCompletion(c.code, form),
    label: i < good,
    ...r.identity,
    candidate_id: c.id,
    rank: i + 1,
  }))
}

/** `sft`: TRL's prompt-completion type from the team's reference solution; none when it is empty. */
export function sftRows(r: RankedRecord, form: PromptForm): Row[] {
  const solution = r.record.solution ?? ''
  if (solution.trim() === '') return []
  return [{ prompt: toTrainingPrompt(r.prompt, form), completion: toCompletion(solution, form), ...r.identity }]
}

/**
 * `humaneval`: a benchmark item openai/human-eval runs unchanged (see humaneval.ts), with the
 * record's identity; none for a task that is not Python or whose entry point cannot be found.
 */
export function humanevalRows(r: RankedRecord): Row[] {
  const built = humanevalItem({
    language: r.record.language,
    prompt: r.prompt,
    entry_point: r.record.entry_point,
    solution: r.record.solution ?? '',
    tests: r.record.tests ?? '',
  })
  if (!('item' in built)) return []
  return [{ task_id: r.identity.task_id, ...built.item, revision: r.identity.revision, record_hash: r.identity.record_hash }]
}

/**
 * `ranking`: the full judgment, candidate ids best first with their models, and the annotators
 * who took part (user ids of participants with the annotator role, or who cast a ballot).
 */
export function rankingRows(r: RankedRecord, form: PromptForm): Row[] {
  const annotators = new Set<string>()
  for (const p of r.record.participants ?? []) if (p.role === 'annotator') annotators.add(p.user)
  for (const b of r.record.ballots ?? []) annotators.add(b.user)
  return [
    {
      ...r.identity,
      prompt: toPromptColumn(r.prompt, form),
      ranking: r.ranked.map((c) => c.id),
      models: r.ranked.map((c) => c.model),
      annotators: [...annotators].sort(),
      finalized_by: r.record.finalized_by,
      finalized_at: r.record.finalized_at,
    },
  ]
}
