/** The export formats as pure functions, field by field, on hand-made records. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { EXPORT_FORMATS, TRL_FORMATS, exportRows, rowCount } from '../shared/exports/formats'
import type { ExportFormat, ExportOptions } from '../shared/exports/formats'
import { PAIR_POLICIES, pairCount, rankPairs } from '../shared/exports/pairs'
import type { PairPolicy } from '../shared/exports/pairs'
import { PromptForm } from '../shared/exports/prompts'
import { parseExportQuery } from '../shared/exports/query'
import type { ChatMessage } from '../shared/types'
import { RUBRIC, makeRecord } from './helpers/makeRecord'

const test = suite('exports')

const CHAT: ChatMessage[] = [
  { role: 'system', content: 'You write Python.' },
  { role: 'user', content: 'Write add(a, b).' },
]

/** Columns TRL's trainers read with a meaning of their own (dataset formats, DPO/Reward/KTO/SFT trainers). */
const TRL_RESERVED = ['text', 'messages', 'prompt', 'completion', 'chosen', 'rejected', 'label', 'labels', 'margin', 'images',
  'image', 'tools', 'input_ids', 'attention_mask', 'completion_mask', 'assistant_masks', 'position_ids', 'token_type_ids',
  'chosen_input_ids', 'rejected_input_ids', 'prompt_input_ids', 'input_ids_chosen', 'attention_mask_chosen',
  'input_ids_rejected', 'attention_mask_rejected', 'ref_chosen_logps', 'ref_rejected_logps', 'reference_logps',
  'reference_kl_logps', 'chat_template_kwargs', 'seq_lengths', 'pixel_values']
/** The reserved columns each format uses, with the meaning TRL gives them. */
const USES: Record<ExportFormat, string[]> = {
  native: ['prompt'], dpo: ['prompt', 'chosen', 'rejected', 'margin'], reward: ['chosen', 'rejected', 'margin'],
  kto: ['prompt', 'completion', 'label'], sft: ['prompt', 'completion'], humaneval: ['prompt'], ranking: ['prompt'],
  'openai-preference': [],
}

const opts = (format: ExportFormat, pairs: PairPolicy = 'all', promptForm: PromptForm = 'standard'): ExportOptions => ({ format, pairs, promptForm })
const isMessages = (v: unknown) =>
  Array.isArray(v) && v.every((m) => m && typeof m.role === 'string' && typeof m.content === 'string' && Object.keys(m).length === 2)

test('expands n candidates into n(n−1)/2, n−1 and n−1 pairs, the chosen always ranked above the rejected', () => {
  for (let n = 2; n <= 7; n++) {
    const ranking = Array.from({ length: n }, (_, i) => `c${i}`)
    const record = makeRecord({ ranking })
    const expect = { all: (n * (n - 1)) / 2, 'best-vs-rest': n - 1, adjacent: n - 1 } as const
    for (const policy of PAIR_POLICIES) {
      assert.is(rankPairs(n, policy).length, expect[policy], `${policy} n=${n}`)
      assert.is(pairCount(n, policy), expect[policy])
      const rows = exportRows(record, opts('dpo', policy))
      assert.is(rows.length, expect[policy])
      assert.is(new Set(rows.map((r) => `${r.chosen_id}>${r.rejected_id}`)).size, rows.length, 'no pair twice')
      for (const r of rows) {
        assert.ok(ranking.indexOf(r.chosen_id as string) < ranking.indexOf(r.rejected_id as string), `${r.chosen_id} above ${r.rejected_id}`)
        assert.is(r.chosen, `code of ${r.chosen_id}`)
        assert.is(r.rejected, `code of ${r.rejected_id}`)
        assert.is(r.pairs, policy)
      }
      if (policy === 'best-vs-rest') assert.ok(rows.every((r) => r.chosen_id === 'c0'))
      if (policy === 'adjacent') assert.equal(rows.map((r) => r.chosen_id), ranking.slice(0, -1))
    }
  }
})

test('writes dpo rows with the documented keys and types, and the record they came from', () => {
  const record = makeRecord({ taskId: 'sum-1', revision: 2, ranking: ['b', 'a', 'c'] })
  const rows = exportRows(record, opts('dpo'))
  assert.equal(Object.keys(rows[0]).sort(), ['chosen', 'chosen_id', 'margin', 'margin_source', 'pairs', 'prompt', 'record_hash',
    'rejected', 'rejected_id', 'revision', 'task_id'])
  for (const r of rows) {
    assert.is(r.prompt, '# Add\nWrite `add(a, b)`.\n')
    assert.equal([r.task_id, r.revision, r.record_hash], ['sum-1', 2, record.record_hash])
    assert.type(r.margin, 'number')
    assert.is(r.margin_source, 'rank')
  }
  assert.equal(rows.map((r) => [r.chosen_id, r.rejected_id]), [['b', 'a'], ['b', 'c'], ['a', 'c']])
})

test('takes margins from rank distance over n−1 when ratings are missing or incomplete', () => {
  const ranking = ['d', 'c', 'b', 'a']
  const rows = exportRows(makeRecord({ ranking }), opts('dpo'))
  assert.equal(rows.map((r) => [r.chosen_id, r.rejected_id, r.margin]), [
    ['d', 'c', 0.333333], ['d', 'b', 0.666667], ['d', 'a', 1], ['c', 'b', 0.333333], ['c', 'a', 0.666667], ['b', 'a', 0.333333],
  ])
  const partial = makeRecord({ ranking, rubric: RUBRIC, ratings: { d: { correctness: 5, style: 10 }, c: { correctness: 3 } } })
  assert.ok(exportRows(partial, opts('reward')).every((r) => r.margin_source === 'rank'), 'an unscored criterion falls back to rank')
})

test('takes margins from the mean rating normalised per scale when every ranked candidate is scored, never below zero', () => {
  const ratings = {
    a: { correctness: 5, style: 10 }, // (1 + 1) / 2 = 1
    b: { correctness: 3, style: 5 }, // (0.5 + 0.5) / 2 = 0.5
    c: { correctness: 4, style: 0 }, // (0.75 + 0) / 2 = 0.375
  }
  const record = makeRecord({ ranking: ['a', 'c', 'b'], rubric: RUBRIC, ratings })
  const rows = exportRows(record, opts('dpo'))
  assert.equal(rows.map((r) => [r.chosen_id, r.rejected_id, r.margin, r.margin_source]), [
    ['a', 'c', 0.625, 'ratings'], ['a', 'b', 0.5, 'ratings'], ['c', 'b', 0, 'ratings'],
  ])
  assert.equal(exportRows(record, opts('reward')).map((r) => r.margin), [0.625, 0.5, 0])
})

test('writes reward rows in the implicit-prompt form: the prompt inside chosen and rejected, no prompt column', () => {
  const record = makeRecord({ ranking: ['b', 'a'] })
  const [row] = exportRows(record, opts('reward'))
  assert.not.ok('prompt' in row)
  assert.is(row.chosen, '# Add\nWrite `add(a, b)`.\ncode of b')
  assert.is(row.rejected, '# Add\nWrite `add(a, b)`.\ncode of a')
  assert.is(row.margin, 1)
  const [chat] = exportRows(makeRecord({ ranking: ['b', 'a'], prompt: CHAT }), opts('reward', 'all', 'conversational'))
  assert.equal(chat.chosen, [...CHAT, { role: 'assistant', content: 'code of b' }])
  assert.equal(chat.rejected, [...CHAT, { role: 'assistant', content: 'code of a' }])
})

test('meets prompt and completion at whitespace in every standard TRL row, and adds nothing to a prompt that already ends in it', () => {
  const glued = makeRecord({ prompt: 'Write add(a, b), returning a + b.', ranking: ['b', 'a'] })
  for (const format of ['dpo', 'kto', 'sft'] as const) {
    for (const row of exportRows(glued, opts(format))) {
      assert.is(row.prompt, 'Write add(a, b), returning a + b.\n', format)
      for (const col of ['chosen', 'rejected', 'completion']) {
        if (col in row) assert.not.match(`${row.prompt}${row[col]}`, /b\.(code|def)/, `${format}.${col} is not glued`)
      }
    }
  }
  const [reward] = exportRows(glued, opts('reward'))
  assert.is(reward.chosen, 'Write add(a, b), returning a + b.\ncode of b')
  for (const end of ['\n', ' ', '\n\n', '\t']) {
    const spaced = makeRecord({ prompt: `Write add(a, b).${end}`, ranking: ['b', 'a'] })
    assert.is(exportRows(spaced, opts('dpo'))[0].prompt, `Write add(a, b).${end}`, `positive control: ${JSON.stringify(end)} is kept as it is`)
  }
  const nbsp = makeRecord({ prompt: 'Write add(a, b).\u00a0', ranking: ['b', 'a'] })
  assert.is(exportRows(nbsp, opts('dpo'))[0].prompt, 'Write add(a, b).\u00a0\n', 'a no-break space is not a boundary')
})

test('makes each reward row exactly the dpo row of the same pair, prompt + chosen and prompt + rejected, in both forms', () => {
  for (const [prompt, form] of [['Write add(a, b).', 'standard'], ['Write add(a, b).\n', 'standard'], [CHAT, 'conversational'],
    ['Write add(a, b).', 'conversational']] as const) {
    const record = makeRecord({ prompt: prompt as string | ChatMessage[], ranking: ['c', 'a', 'b'] })
    const dpo = exportRows(record, opts('dpo', 'all', form))
    const reward = exportRows(record, opts('reward', 'all', form))
    assert.is(reward.length, dpo.length)
    assert.is(dpo.length, 3)
    const join = (p: any, c: any) => (typeof p === 'string' ? p + c : [...p, ...c])
    dpo.forEach((d, i) => {
      const r = reward[i]
      assert.equal([r.chosen_id, r.rejected_id], [d.chosen_id, d.rejected_id])
      assert.equal(r.chosen, join(d.prompt, d.chosen), `${form} chosen`)
      assert.equal(r.rejected, join(d.prompt, d.rejected), `${form} rejected`)
      assert.is(r.margin, d.margin)
    })
  }
})

test('labels the upper half of the ranking desirable for kto, the best one when there are two or three', () => {
  const expect: Record<number, boolean[]> = {
    2: [true, false], 3: [true, false, false], 4: [true, true, false, false], 5: [true, true, false, false, false],
  }
  for (const [n, labels] of Object.entries(expect)) {
    const ranking = Array.from({ length: Number(n) }, (_, i) => `c${i}`)
    const rows = exportRows(makeRecord({ ranking }), opts('kto'))
    assert.equal(rows.map((r) => r.label), labels)
    assert.equal(rows.map((r) => r.candidate_id), ranking)
    assert.equal(rows.map((r) => r.completion), ranking.map((c) => `code of ${c}`))
    assert.equal(rows.map((r) => r.rank), ranking.map((_, i) => i + 1))
    assert.ok(rows.every((r) => typeof r.label === 'boolean'))
  }
})

test('gives conversational prompts and assistant completions as message lists in every TRL format', () => {
  const record = makeRecord({ prompt: CHAT })
  for (const format of TRL_FORMATS) {
    for (const row of exportRows(record, opts(format, 'all', 'conversational'))) {
      for (const col of ['prompt', 'chosen', 'rejected', 'completion']) {
        if (!(col in row)) continue
        assert.ok(isMessages(row[col]), `${format}.${col} is a message list`)
      }
      if ('completion' in row) assert.equal((row.completion as ChatMessage[]).map((m) => m.role), ['assistant'])
      if (format === 'dpo') assert.equal(row.prompt, CHAT)
    }
  }
  const [sft] = exportRows(record, opts('sft', 'all', 'conversational'))
  assert.equal(sft.completion, [{ role: 'assistant', content: 'def add(a, b):\n    return a + b\n' }])
})

test('turns a markdown prompt into one user message when the file is conversational', () => {
  const record = makeRecord({ ranking: ['a', 'b'] })
  const [dpo] = exportRows(record, opts('dpo', 'all', 'conversational'))
  assert.equal(dpo.prompt, [{ role: 'user', content: '# Add\nWrite `add(a, b)`.' }])
  assert.equal(dpo.chosen, [{ role: 'assistant', content: 'code of a' }])
  const [kto] = exportRows(record, opts('kto', 'all', 'conversational'))
  assert.equal(kto.prompt, [{ role: 'user', content: '# Add\nWrite `add(a, b)`.' }])
  const [standard] = exportRows(record, opts('dpo'))
  assert.is(standard.prompt, '# Add\nWrite `add(a, b)`.\n', 'positive control: a standard file keeps the string')
})

test('writes sft from the reference solution, humaneval items, rankings and openai preference lines', () => {
  const record = makeRecord({ taskId: 'sum-2', ranking: ['c', 'a', 'b'] })
  const [sft] = exportRows(record, opts('sft'))
  assert.equal(sft, { prompt: '# Add\nWrite `add(a, b)`.\n', completion: 'def add(a, b):\n    return a + b\n', task_id: 'sum-2', revision: 1, record_hash: record.record_hash })
  assert.equal(exportRows(makeRecord({ solution: '  ' }), opts('sft')), [], 'no empty completion')
  const [he] = exportRows(makeRecord({ prompt: CHAT }), opts('humaneval'))
  assert.equal(Object.keys(he).sort(), ['canonical_solution', 'entry_point', 'prompt', 'record_hash', 'revision', 'task_id', 'test'])
  assert.is(he.prompt, 'def add(a, b):\n    """\n    Write add(a, b).\n    """\n', 'the signature, and the last user turn as its docstring')
  assert.is(he.canonical_solution, '    return a + b\n')
  assert.is(he.entry_point, 'add')
  assert.match(he.test as string, /def test_add[^]*def check\(candidate\):/)
  const [ranking] = exportRows(record, opts('ranking'))
  assert.equal([ranking.ranking, ranking.models, ranking.annotators], [['c', 'a', 'b'], ['model-c', 'model-a', 'model-b'], ['u-ann']])
  const oa = exportRows(record, opts('openai-preference', 'best-vs-rest'))
  assert.is(oa.length, 2)
  assert.equal(oa[0].input, { messages: [{ role: 'user', content: '# Add\nWrite `add(a, b)`.' }] })
  assert.equal(oa[0].preferred_output, [{ role: 'assistant', content: 'code of c' }])
  assert.equal(oa[1].non_preferred_output, [{ role: 'assistant', content: 'code of b' }])
  assert.equal(exportRows(makeRecord({ prompt: CHAT }), opts('openai-preference'))[0].input, { messages: CHAT })
})

test('puts task_id, revision and record_hash on every row of every format, and no column TRL reserves for something else', () => {
  const records = [makeRecord({ prompt: CHAT, rubric: RUBRIC }), makeRecord({ taskId: 't2', revision: 3, ranking: ['x', 'y', 'z', 'w'] })]
  for (const format of EXPORT_FORMATS) {
    for (const record of records) {
      for (const row of exportRows(record, opts(format, 'all', 'conversational'))) {
        assert.equal([row.task_id, row.revision, row.record_hash], [record.task_id, record.revision, record.record_hash], format)
        for (const key of Object.keys(row)) {
          assert.ok(!TRL_RESERVED.includes(key) || USES[format].includes(key), `${format} uses reserved column ${key}`)
        }
      }
    }
  }
})

test('counts exactly the rows each format gives, without building them', () => {
  const records = [makeRecord(), makeRecord({ ranking: ['a', 'b', 'c', 'd', 'e'] }), makeRecord({ solution: '' }), makeRecord({ ranking: ['a', 'b'] })]
  for (const format of EXPORT_FORMATS) {
    for (const pairs of PAIR_POLICIES) {
      for (const r of records) assert.is(rowCount(r, format, pairs), exportRows(r, opts(format, pairs)).length, `${format} ${pairs}`)
    }
  }
})

test('refuses bad export parameters with a message naming each, and accepts good ones', () => {
  const parse = (q: string) => parseExportQuery((n) => new URLSearchParams(q).get(n) ?? undefined)
  const bad = parse('format=csv&pairs=some&since=yesterday&revisions=few&limit=0&batch=&seed=-1')
  assert.is(bad.query, undefined)
  assert.is(bad.errors.length, 7)
  for (const word of ['format', 'pairs', 'since', 'revisions', 'limit', 'batch', 'seed']) assert.ok(bad.errors.some((e) => e.startsWith(word)), word)
  for (const seed of ['4294967296', '1.5', '01', 'x', '']) assert.is(parse(`seed=${seed}`).errors.length, 1, `seed=${seed}`)
  assert.is(parse('seed=4294967295').query?.seed, 4294967295)
  assert.is(parse('since=2026-13-45').errors.length, 1, 'an impossible date')
  const good = parse('format=dpo&pairs=adjacent&since=2026-11-27T09:00:00Z&revisions=all&limit=5&batch=b1')
  assert.equal(good.query, { batch: 'b1', sinceMs: Date.parse('2026-11-27T09:00:00Z'), sinceSeq: null, revisions: 'all', format: 'dpo', pairs: 'adjacent', limit: 5, seed: 0 })
  assert.equal(parse('').query, { batch: null, sinceMs: null, sinceSeq: null, revisions: 'latest', format: 'native', pairs: 'all', limit: null, seed: 0 })
})

test.run()
