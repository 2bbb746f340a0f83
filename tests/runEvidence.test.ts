/** The browser's run beside the server's: hand-computed cases of agreement, disagreement, older texts, flags. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { RunResult } from '../shared/schema'
import { compareEvidence, describeDisagreement, disagreements, runVerdict } from '../shared/runEvidence'

const test = suite('runEvidence')

function run(status: RunResult['status'], over: Partial<RunResult> = {}): RunResult {
  const passed = status === 'pass' ? 2 : 1
  return {
    status,
    passed,
    failed: 2 - passed,
    total: 2,
    duration_ms: 5,
    ran_by: 'u1',
    ran_at: '2026-01-01T00:00:00.000Z',
    tests_sha256: 't1',
    code_sha256: 'c1',
    cases: [],
    ...over,
  }
}

test('a flagged pass is its own verdict and every other status keeps its name', () => {
  assert.is(runVerdict(run('pass')), 'pass')
  assert.is(runVerdict(run('pass', { flags: ['harness'] })), 'flagged-pass')
  assert.is(runVerdict(run('pass', { flags: [] })), 'pass')
  assert.is(runVerdict(run('fail', { flags: ['eq-override'] })), 'fail')
  assert.is(runVerdict(run('timeout')), 'timeout')
  assert.is(runVerdict(run('error')), 'error')
})

test('missing runs are named as missing, never compared', () => {
  assert.equal(compareEvidence(undefined, undefined), { kind: 'none' })
  assert.equal(compareEvidence(run('pass'), undefined), { kind: 'browser-only' })
  assert.equal(compareEvidence(undefined, run('fail')), { kind: 'server-only' })
})

test('runs of the same texts agree when both pass or both fail, even with different failing statuses', () => {
  assert.equal(compareEvidence(run('pass'), run('pass', { ran_by: 'server' })), { kind: 'agree', browser: 'pass', server: 'pass' })
  assert.equal(compareEvidence(run('fail'), run('timeout')), { kind: 'agree', browser: 'fail', server: 'timeout' })
})

test('a browser pass the server fails on the same texts is a disagreement, and so is one it flags', () => {
  assert.equal(compareEvidence(run('pass'), run('fail')), { kind: 'disagree', browser: 'pass', server: 'fail' })
  assert.equal(compareEvidence(run('pass'), run('pass', { flags: ['frame-introspection'] })), {
    kind: 'disagree',
    browser: 'pass',
    server: 'flagged-pass',
  })
  assert.equal(compareEvidence(run('error'), run('pass')), { kind: 'disagree', browser: 'error', server: 'pass' })
  // The control: a flagged pass on both sides agrees (neither counts).
  assert.equal(compareEvidence(run('pass', { flags: ['harness'] }), run('pass', { flags: ['harness'] })).kind, 'agree')
  assert.match(describeDisagreement({ browser: 'pass', server: 'flagged-pass' }), /browser run says pass, the server run says flagged pass/)
})

test('runs of different code or tests are never a disagreement: the one of older texts is named', () => {
  const current = { tests: 't2', code: 'c1' }
  // The browser ran the current tests, the server the previous ones: the server's is older.
  assert.equal(compareEvidence(run('pass', { tests_sha256: 't2' }), run('fail'), current), { kind: 'server-older' })
  assert.equal(compareEvidence(run('pass'), run('fail', { tests_sha256: 't2' }), current), { kind: 'browser-older' })
  // Different code, no current hashes known: decided by when each ran.
  const early = { ran_at: '2026-01-01T00:00:00.000Z' }
  const late = { ran_at: '2026-01-01T00:05:00.000Z' }
  assert.equal(compareEvidence(run('pass', { code_sha256: 'c2', ...late }), run('fail', early)), { kind: 'server-older' })
  assert.equal(compareEvidence(run('pass', { code_sha256: 'c2', ...early }), run('fail', late)), { kind: 'browser-older' })
})

test('disagreements lists exactly the subjects whose runs of the same texts disagree, in subject order', () => {
  const browser = new Map([
    ['solution', run('pass')],
    ['a', run('pass')],
    ['b', run('pass')],
    ['c', run('pass', { code_sha256: 'c9' })],
  ])
  const server = new Map([
    ['solution', run('pass')],
    ['a', run('fail')],
    ['b', run('pass', { flags: ['harness'] })],
    ['c', run('fail')],
    ['d', run('fail')],
  ])
  const found = disagreements(['solution', 'a', 'b', 'c', 'd'], (k) => browser.get(k), (k) => server.get(k))
  assert.equal(found, [
    { subject: 'a', browser: 'pass', server: 'fail' },
    { subject: 'b', browser: 'pass', server: 'flagged-pass' },
  ])
})

test.run()
