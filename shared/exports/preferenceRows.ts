/** Pairwise formats: `dpo` (TRL explicit prompt), `reward` (TRL implicit prompt) and `openai-preference`. */
import { marginBasis, pairMargin } from './margin'
import { rankPairs } from './pairs'
import type { PairPolicy } from './pairs'
import { toCompletion, toImplicit, toMessages, toTrainingPrompt } from './prompts'
import type { PromptForm } from './prompts'
import type { RankedRecord } from './rankedRecord'

type Row = Record<string, unknown>

/** Each pair with its candidates, rank positions and margin: what all three pairwise formats share. */
function expand(r: RankedRecord, policy: PairPolicy) {
  const basis = marginBasis(r.ranked.map((c) => c.id), r.ratings, r.rubric)
  return rankPairs(r.ranked.length, policy).map((p) => {
    const chosen = r.ranked[p.chosen]
    const rejected = r.ranked[p.rejected]
    const margin = pairMargin(basis, { id: chosen.id, rank: p.chosen }, { id: rejected.id, rank: p.rejected })
    return { chosen, rejected, margin, source: basis.source }
  })
}

/**
 * `dpo`: TRL's preference type with an explicit prompt (`prompt`, `chosen`, `rejected`), plus
 * which candidates were paired, the margin, its source and the pair policy.
 */
export function dpoRows(r: RankedRecord, form: PromptForm, policy: PairPolicy): Row[] {
  const prompt = toTrainingPrompt(r.prompt, form)
  return expand(r, policy).map((p) => ({
    prompt,
    chosen: toCompletion(p.chosen.code, form),
    rejected: toCompletion(p.rejected.code, form),
    ...r.identity,
    chosen_id: p.chosen.id,
    rejected_id: p.rejected.id,
    margin: p.margin,
    margin_source: p.source,
    pairs: policy,
  }))
}

/**
 * `reward`: TRL's implicit-prompt preference type for RewardTrainer: no `prompt` column, the
 * prompt inside `chosen` and `rejected`, each exactly the `dpo` row's `prompt + chosen` /
 * `prompt + rejected`; `margin` is the column RewardTrainer reads as such.
 */
export function rewardRows(r: RankedRecord, form: PromptForm, policy: PairPolicy): Row[] {
  return expand(r, policy).map((p) => ({
    chosen: toImplicit(r.prompt, p.chosen.code, form),
    rejected: toImplicit(r.prompt, p.rejected.code, form),
    margin: p.margin,
    ...r.identity,
    chosen_id: p.chosen.id,
    rejected_id: p.rejected.id,
    margin_source: p.source,
    pairs: policy,
  }))
}

/**
 * `openai-preference`: OpenAI's preference fine-tuning lines. The input is always a message list
 * (a markdown prompt is one user message); each output is one assistant message.
 */
export function openaiPreferenceRows(r: RankedRecord, policy: PairPolicy): Row[] {
  const messages = toMessages(r.prompt)
  return expand(r, policy).map((p) => ({
    input: { messages },
    preferred_output: [{ role: 'assistant', content: p.chosen.code }],
    non_preferred_output: [{ role: 'assistant', content: p.rejected.code }],
    ...r.identity,
    chosen_id: p.chosen.id,
    rejected_id: p.rejected.id,
  }))
}
