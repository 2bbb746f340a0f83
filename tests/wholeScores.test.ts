/** Scores are whole numbers on the criterion's scale everywhere: readers, the record, finalize's reasons and exports. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { getWorkspace } from '../shared/schema'
import { readRatings } from '../shared/readers'
import { readWorkspaceContent } from '../shared/record'
import { finalizeReasons, submitReasons } from '../shared/workflow'
import { exportRows } from '../shared/exports/formats'
import { PromptForm } from '../shared/exports/prompts'
import { makeRecord, RUBRIC } from './helpers/makeRecord'

const test = suite('whole scores')

/** A workspace doc whose candidate `a` has the given correctness score and a whole style score. */
function docWith(correctness: number): Y.Doc {
  const doc = new Y.Doc()
  const ws = getWorkspace(doc)
  const row = new Y.Map<number>()
  ws.ratings.set('a', row)
  row.set('correctness', correctness)
  row.set('style', 7)
  return doc
}

test('reads 2.5, NaN and off-scale scores as missing in the readers and the record builder, and whole ones as given', () => {
  for (const bad of [2.5, Number.NaN, 6, 0]) {
    const doc = docWith(bad)
    assert.equal(readRatings(getWorkspace(doc).ratings, ['a'], RUBRIC).a, { style: 7 }, `reader: ${bad}`)
    assert.equal(readWorkspaceContent(doc, ['a'], RUBRIC).ratings.a, { style: 7 }, `record: ${bad}`)
  }
  const whole = docWith(3)
  assert.equal(readRatings(getWorkspace(whole).ratings, ['a'], RUBRIC).a, { correctness: 3, style: 7 })
  assert.equal(readWorkspaceContent(whole, ['a'], RUBRIC).ratings.a, { correctness: 3, style: 7 })
})

test('names a fractional score as missing in finalize’s and submit’s reasons, and passes a whole one', () => {
  const input = (correctness: number) => ({
    candidates: ['a'],
    criteria: RUBRIC,
    ranking: ['a'],
    ratings: { a: { correctness, style: 7 } },
    explanation: 'x',
    solution: 'y',
    tests: 'z',
  })
  for (const gate of [finalizeReasons, submitReasons]) {
    const run = (c: number) => gate({ ...input(c), threads: [] }).map((r) => r.target)
    assert.equal(run(2.5), ['rubric:a:correctness'])
    assert.equal(run(9), ['rubric:a:correctness'])
    assert.equal(run(4), [])
  }
})

test('takes export margins from ratings only when every score is whole and on its scale', () => {
  const opts = { format: 'dpo' as const, pairs: 'all' as const, promptForm: PromptForm.standard }
  const ratings = (b: number) => ({ a: { correctness: 5, style: 10 }, b: { correctness: b, style: 5 } })
  const fractional = exportRows(makeRecord({ ranking: ['a', 'b'], rubric: RUBRIC, ratings: ratings(2.5) }), opts)
  assert.equal(fractional.map((r) => [r.margin_source, r.margin]), [['rank', 1]])
  const offScale = exportRows(makeRecord({ ranking: ['a', 'b'], rubric: RUBRIC, ratings: ratings(-3) }), opts)
  assert.equal(offScale.map((r) => r.margin_source), ['rank'])
  // the control: whole scores give a ratings margin
  const whole = exportRows(makeRecord({ ranking: ['a', 'b'], rubric: RUBRIC, ratings: ratings(3) }), opts)
  assert.equal(whole.map((r) => [r.margin_source, r.margin]), [['ratings', 0.5]])
})

test.run()
