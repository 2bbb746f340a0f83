/** shared/runs.ts: sandbox message schemas, run outcomes, staleness and the checks derived from runs. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import type { RunResult } from '../shared/schema'
import { sha256Hex } from '../shared/record'
import {
  caseLimitMessage,
  currentRuns,
  isCaseLimitMessage,
  FromSandboxSchema,
  runChecks,
  runStatusOf,
  toRunLanguage,
  toRunResult,
  ToSandboxSchema,
  truncateText,
} from '../shared/runs'

const test = suite('runs')

const run = (status: RunResult['status'], code = 'x', tests = 't'): RunResult => ({
  status,
  passed: status === 'pass' ? 1 : 0,
  failed: status === 'pass' ? 0 : 1,
  total: 1,
  duration_ms: 1,
  ran_by: 'u',
  ran_at: '2026-11-27T00:00:00.000Z',
  tests_sha256: sha256Hex(tests),
  code_sha256: sha256Hex(code),
  cases: [{ name: 'c', status: status === 'pass' ? 'pass' : 'fail' }],
})

test('accepts a well-formed run request and refuses anything else the page could be sent', () => {
  const ok = { type: 'run', id: 'r1', language: 'python', code: 'x = 1', tests: 'def test_a(): pass', timeout_ms: 5000 }
  assert.ok(v.safeParse(ToSandboxSchema, ok).success)
  for (const bad of [
    { ...ok, language: 'ruby' },
    { ...ok, timeout_ms: 10 },
    { ...ok, id: '../x' },
    { ...ok, code: 'x'.repeat(200_001) },
    { ...ok, extra: true },
    { type: 'eval', code: '1' },
  ]) {
    assert.not.ok(v.safeParse(ToSandboxSchema, bad).success, JSON.stringify(bad).slice(0, 80))
  }
  const result = { type: 'result', id: 'r1', outcome: { status: 'pass', cases: [{ name: 'a', status: 'pass' }], duration_ms: 3, stdout: '', stderr: '' } }
  assert.ok(v.safeParse(FromSandboxSchema, result).success)
  assert.not.ok(v.safeParse(FromSandboxSchema, { ...result, outcome: { ...result.outcome, status: 'great' } }).success)
  assert.not.ok(v.safeParse(FromSandboxSchema, { ...result, outcome: { ...result.outcome, cases: [{ name: 'a', status: 'pass', html: '<b>' }] } }).success)
})

test('says pass only when every case passes, and error when the subject did not load or had no case', () => {
  assert.is(runStatusOf([{ name: 'a', status: 'pass' }], false), 'pass')
  assert.is(runStatusOf([{ name: 'a', status: 'pass' }, { name: 'b', status: 'error' }], false), 'fail')
  assert.is(runStatusOf([{ name: 'a', status: 'error' }], true), 'error')
  assert.is(runStatusOf([], false), 'error')
  const stored = toRunResult(
    { status: 'fail', cases: [{ name: 'a', status: 'pass' }, { name: 'b', status: 'fail', message: 'no' }], duration_ms: 12.6, stdout: 'x', stderr: '' },
    { ranBy: 'u1', ranAt: 'now', testsSha256: 't', codeSha256: 'c' },
  )
  assert.equal(stored, {
    status: 'fail', passed: 1, failed: 1, total: 2, duration_ms: 13, ran_by: 'u1', ran_at: 'now', tests_sha256: 't', code_sha256: 'c',
    cases: [{ name: 'a', status: 'pass' }, { name: 'b', status: 'fail', message: 'no' }],
  })
  assert.is(truncateText('abcdef', 3), 'abc… (3 more characters cut)')
  assert.is(truncateText('abc', 3), 'abc')
  assert.is(toRunLanguage('TypeScript'), 'typescript')
  assert.is(toRunLanguage('rust'), null)
})

test('finds a failing candidate ranked above a passing one, a failing reference and a suite that fails nobody', () => {
  const checks = runChecks({ solution: run('fail'), a: run('pass'), b: run('fail'), c: run('timeout') }, ['a', 'b', 'c'], ['b', 'a', 'c'])
  assert.is(checks.reference_passes, false)
  assert.is(checks.suite_fails_a_candidate, true)
  assert.equal(checks.contradictions, [{ above: 'b', below: 'a' }])
  const agreeing = runChecks({ solution: run('pass'), a: run('pass'), b: run('pass') }, ['a', 'b'], ['a', 'b'])
  assert.equal(agreeing, { reference_passes: true, suite_fails_a_candidate: false, contradictions: [] })
  assert.equal(runChecks({}, ['a'], ['a']), { reference_passes: null, suite_fails_a_candidate: null, contradictions: [] })
})

test('keeps only runs of the current tests and code', () => {
  const runs = { a: run('pass', 'code a', 'tests'), b: run('fail', 'old b', 'tests'), solution: run('pass', 'sol', 'old tests') }
  const codes: Record<string, string> = { a: 'code a', b: 'new b', solution: 'sol' }
  assert.equal(Object.keys(currentRuns(runs, 'tests', (k) => codes[k], sha256Hex)), ['a'])
  assert.equal(Object.keys(currentRuns(runs, 'old tests', (k) => codes[k], sha256Hex)), ['solution'])
})

test('words a case stopped at its own limit one way, which the matrix recognises and nothing else matches', () => {
  assert.is(caseLimitMessage(50), 'exceeded its 50 ms limit')
  assert.is(caseLimitMessage(12.5), 'exceeded its 12.5 ms limit')
  assert.ok(isCaseLimitMessage(caseLimitMessage(50)))
  assert.ok(isCaseLimitMessage(caseLimitMessage(12.5)))
  assert.not.ok(isCaseLimitMessage('expected 50, got 51'))
  assert.not.ok(isCaseLimitMessage('AssertionError: exceeded its 50 ms limit'))
  assert.not.ok(isCaseLimitMessage(undefined))
})

test.run()
