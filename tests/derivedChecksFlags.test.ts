/** A record's derived checks count a flagged pass as the finalize gate does: never as a pass. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { deriveChecks } from '../shared/record'
import { runChecks } from '../shared/runs'
import type { RunResult } from '../shared/schema'

const test = suite('derivedChecksFlags')

function run(status: 'pass' | 'fail', passed: number, total: number, flags?: string[]): RunResult {
  return {
    status, passed, failed: total - passed, total, duration_ms: 5, ran_by: 'server', ran_at: '2026-12-01T10:00:00.000Z',
    tests_sha256: 'a'.repeat(64), code_sha256: 'b'.repeat(64),
    cases: Array.from({ length: total }, (_, i) => ({ name: `test_${i}`, status: i < passed ? ('pass' as const) : ('fail' as const) })),
    ...(flags ? { flags } : {}),
  }
}

test('a harness-flagged pass has no pass rate of 1, and a failing candidate ranked above it agrees with the runs', () => {
  const runs = { solution: run('pass', 3, 3), good: run('pass', 3, 3), wrong: run('fail', 2, 3), cheat: run('pass', 3, 3, ['harness']) }
  const ranking = ['good', 'wrong', 'cheat']
  const checks = deriveChecks(runs, ranking, ranking)
  assert.is(checks.pass_rates.good, 1, 'an unflagged pass counts (the control)')
  assert.is(checks.pass_rates.wrong, 2 / 3)
  assert.is(checks.pass_rates.cheat, 0)
  assert.is(checks.ranking_agrees_with_runs, true)
  assert.equal(runChecks(runs, ranking, ranking).contradictions, [], 'the finalize gate sees no contradiction either')
})

test('the same ranking with an unflagged pass at the bottom disagrees with the runs (the control)', () => {
  const runs = { solution: run('pass', 3, 3), good: run('pass', 3, 3), wrong: run('fail', 2, 3), honest: run('pass', 3, 3) }
  const ranking = ['good', 'wrong', 'honest']
  assert.is(deriveChecks(runs, ranking, ranking).ranking_agrees_with_runs, false)
  assert.equal(runChecks(runs, ranking, ranking).contradictions, [{ above: 'wrong', below: 'honest' }])
})

test('a flagged reference pass does not say the reference passes, and a flagged candidate means the suite fails one', () => {
  const runs = { solution: run('pass', 1, 1, ['exit']), a: run('pass', 1, 1), b: run('pass', 1, 1, ['eq-override']) }
  const checks = deriveChecks(runs, ['a', 'b'], ['a', 'b'])
  assert.is(checks.reference_passes, false)
  assert.is(checks.suite_fails_a_candidate, true)
  const clean = deriveChecks({ ...runs, solution: run('pass', 1, 1), b: run('pass', 1, 1) }, ['a', 'b'], ['a', 'b'])
  assert.is(clean.reference_passes, true, 'an unflagged reference pass (the control)')
  assert.is(clean.suite_fails_a_candidate, false)
})

test.run()
