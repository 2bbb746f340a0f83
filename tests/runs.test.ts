/** shared/runs.ts: sandbox message schemas, run outcomes, staleness and the checks derived from runs. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import type { RunResult } from '../shared/schema'
import { ReportedRunSchema } from '../shared/runReport'
import { deriveChecks, sha256Hex } from '../shared/record'
import {
  caseLimitMessage,
  currentRuns,
  isCaseLimitMessage,
  FromSandboxSchema,
  runChecks,
  runStatusOf,
  toRunLanguage,
  toReportedRun,
  countsAsPass,
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
  const t = sha256Hex('t')
  const c = sha256Hex('c')
  const reported = toReportedRun(
    { status: 'fail', cases: [{ name: 'a', status: 'pass' }, { name: 'b', status: 'fail', message: 'no' }], duration_ms: 12.6, stdout: 'x', stderr: '', flags: ['harness'] },
    { testsSha256: t, codeSha256: c },
  )
  assert.equal(reported, {
    status: 'fail', passed: 1, failed: 1, total: 2, duration_ms: 13, tests_sha256: t, code_sha256: c,
    cases: [{ name: 'a', status: 'pass' }, { name: 'b', status: 'fail', message: 'no' }], flags: ['harness'],
  })
  // What the page reports is exactly what the route accepts.
  assert.ok(v.safeParse(ReportedRunSchema, reported).success)
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

test('reports a suite with no tests as one error case that says so, never a silent 0/0', () => {
  const hashes = { testsSha256: sha256Hex('t'), codeSha256: sha256Hex('c') }
  const none = toReportedRun(
    { status: 'error', cases: [], duration_ms: 3, error: 'no tests found: the tests define no test_* function and no check(candidate)', stdout: '', stderr: '' },
    hashes,
  )
  assert.is(none.status, 'error')
  assert.equal(none.cases, [{ name: 'no tests found', status: 'error', message: 'no tests found: the tests define no test_* function and no check(candidate)' }])
  assert.equal([none.passed, none.total], [0, 1])
  assert.ok(v.safeParse(ReportedRunSchema, none).success)
  // Control: a run with cases reports them as they are.
  const some = toReportedRun({ status: 'pass', cases: [{ name: 'x', status: 'pass' }], duration_ms: 1, stdout: '', stderr: '' }, hashes)
  assert.equal(some.cases, [{ name: 'x', status: 'pass' }])
  assert.is(some.status, 'pass')
})

test('a run with no case and no error message still says why: a subject that exited is named as such', async () => {
  const hashes = { testsSha256: sha256Hex('t'), codeSha256: sha256Hex('c') }
  const exited = toReportedRun({ status: 'error', cases: [], duration_ms: 3, stdout: '', stderr: '', flags: ['exit'] }, hashes)
  assert.is(exited.total, 1)
  assert.equal(exited.cases, [{ name: 'loading', status: 'error', message: 'the subject exited before its tests ran (sys.exit, os._exit or SystemExit)' }])
  const blank = toReportedRun({ status: 'error', cases: [], duration_ms: 3, error: ' ', stdout: '', stderr: '' }, hashes)
  assert.is(blank.total, 1)
  assert.ok(blank.cases[0].message && blank.cases[0].message.trim().length > 0, JSON.stringify(blank))
  // The server's sandbox: a process that ended with an empty message, or a done line with no case and no error.
  const { toOutcome } = await import('../server/sandbox/sandbox')
  const died = toOutcome({ messages: [], end: 'exit', detail: '', durationMs: 5 })
  assert.equal([died.outcome.status, died.outcome.cases, died.outcome.error, died.flags], ['error', [], 'the subject exited before its tests ran (sys.exit, os._exit or SystemExit)', ['exit']])
  const silent = toOutcome({ messages: [{ type: 'done', cases: [], error: null, stdout: '', stderr: '', timed_out: false, flags: ['exit'] }], end: 'done', durationMs: 5 } as never)
  assert.equal([silent.outcome.status, silent.outcome.error], ['error', 'the subject exited before its tests ran (sys.exit, os._exit or SystemExit)'])
  // Control: a reason the runner gave is kept as it is.
  const said = toOutcome({ messages: [], end: 'exit', detail: 'the sandbox exited before it answered', durationMs: 5 })
  assert.is(said.outcome.error, 'the sandbox exited before it answered')
})

test('never counts a flagged pass as a pass in the derived checks', () => {
  const flagged = { ...run('pass'), flags: ['eq-override'] }
  assert.ok(countsAsPass(run('pass')))
  assert.not.ok(countsAsPass(flagged))
  // A flagged reference does not pass; a flagged candidate fails the suite and cannot be out-ranked by a failing one.
  const checks = runChecks({ solution: { ...run('pass'), flags: ['harness'] }, a: flagged, b: run('fail') }, ['a', 'b'], ['b', 'a'])
  assert.equal(checks, { reference_passes: false, suite_fails_a_candidate: true, contradictions: [] })
  // Control: the same runs unflagged pass and contradict the ranking.
  const clean = runChecks({ solution: run('pass'), a: run('pass'), b: run('fail') }, ['a', 'b'], ['b', 'a'])
  assert.equal(clean, { reference_passes: true, suite_fails_a_candidate: true, contradictions: [{ above: 'b', below: 'a' }] })
})

test("never counts a flagged pass in the record's derived checks", () => {
  const flagged = deriveChecks({ solution: { ...run('pass'), flags: ['harness'] }, a: { ...run('pass'), flags: ['eq-override'] }, b: run('pass') }, ['a', 'b'], ['a', 'b'])
  assert.equal(flagged.pass_rates, { a: 0, b: 1 })
  assert.is(flagged.reference_passes, false)
  assert.is(flagged.ranking_agrees_with_runs, false)
  // Control: the same runs unflagged.
  const clean = deriveChecks({ solution: run('pass'), a: run('pass'), b: run('pass') }, ['a', 'b'], ['a', 'b'])
  assert.equal(clean.pass_rates, { a: 1, b: 1 })
  assert.is(clean.reference_passes, true)
})

test('reads a run map by its own entries only, so an id named after a prototype member is just an id', () => {
  const runs = Object.create(null) as Record<string, RunResult>
  runs['constructor' as string] = run('pass')
  const checks = runChecks(runs, ['constructor', 'toString'], ['toString', 'constructor'])
  assert.equal(checks.contradictions, [])
  assert.is(checks.suite_fails_a_candidate, false)
  assert.equal(runChecks({}, ['toString'], ['toString']).suite_fails_a_candidate, null)
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
