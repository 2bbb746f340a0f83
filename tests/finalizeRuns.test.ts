/** Finalize and the test runs: reasons from current runs, and the lead's written override. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { against, runCliCaptured } from './helpers/cli'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import type { RunResult } from '../shared/schema'
import { sha256Hex } from '../shared/record'
import { act, completeWorkspace, reviewTask, syncedPeer, waitForServerDoc } from './helpers/review'
import { serverPerTest } from './helpers/perTest'

const test = suite('finalize with runs')
const fx = serverPerTest(test)

const TESTS = 'def test_add():\n    assert add(1, 2) == 3\n'
const SOLUTION = 'def add(a, b):\n    return a + b\n'
/** Candidate code as `taskLine` (tests/helpers/server.ts) imports it. */
const CODE: Record<string, string> = {
  a: 'def add(a, b):\n    return a + b\n',
  b: 'def add(a, b):\n    return a - b\n',
  c: 'def add(a, b):\n    return sum([a, b])\n',
  solution: SOLUTION,
}

function run(key: string, status: 'pass' | 'fail', tests = TESTS): RunResult {
  const pass = status === 'pass'
  return {
    status,
    passed: pass ? 1 : 0,
    failed: pass ? 0 : 1,
    total: 1,
    duration_ms: 3,
    ran_by: 'someone',
    ran_at: '2026-11-27T12:00:00.000Z',
    tests_sha256: sha256Hex(tests),
    code_sha256: sha256Hex(CODE[key]),
    cases: [{ name: 'test_add', status, ...(pass ? {} : { message: 'assertion failed' }) }],
  }
}

/** A complete workspace ranked b, a, c whose runs say b fails and the reference fails too. */
async function contradictedTask(id: string, runs: Record<string, RunResult>, skipScore = false) {
  const { ann } = await reviewTask(fx.server, id)
  const peer = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, fx.peers)
  await completeWorkspace(fx.server, peer, id, {
    ranking: ['b', 'a', 'c'],
    ...(skipScore ? { skipScore: { candidate: 'a', criterion: 'efficiency' } } : {}),
  })
  // Runs are the server's to write (browsers report them through the API): written as the server.
  await fx.server.running.deps.rooms.transact(roomName.workspace(id), (doc) => {
    for (const [k, r] of Object.entries(runs)) getWorkspace(doc).runs.set(k, r)
  })
  await waitForServerDoc(fx.server, roomName.workspace(id), (d) => getWorkspace(d).runs.size === Object.keys(runs).length, 'the runs on the server')
  return { ann }
}

const RUNS = () => ({ solution: run('solution', 'fail'), a: run('a', 'pass'), b: run('b', 'fail'), c: run('c', 'pass') })

test('refuses finalize when the tests fail the reference or the ranking contradicts the runs, while the same work without runs finalizes', async () => {
  await contradictedTask('t1', RUNS())
  const refused = await act(fx.server, fx.server.leadToken, 't1', 'finalize')
  assert.is(refused.status, 409)
  const codes = refused.body.reasons.map((r: { code: string }) => r.code)
  assert.equal(codes, ['reference_fails', 'ranking_contradicts_runs', 'ranking_contradicts_runs'])
  assert.ok(refused.body.reasons.every((r: { overridable?: boolean }) => r.overridable === true))
  assert.match(refused.body.reasons[1].message, /candidate b fails a test but is ranked above candidate a/)
  assert.is(fx.server.running.deps.db.task('t1')?.status, 'open', 'a refusal changes nothing')

  await contradictedTask('t2', {})
  assert.is((await act(fx.server, fx.server.leadToken, 't2', 'finalize')).status, 200, 'control: no runs, no run reasons')
})

test('finalizes against the runs with a written override note, which the record keeps', async () => {
  await contradictedTask('t1', RUNS())
  const done = await act(fx.server, fx.server.leadToken, 't1', 'finalize', { override_note: '  b is ranked first on purpose: the test is wrong.  ' })
  assert.is(done.status, 200, JSON.stringify(done.body))
  assert.is(done.body.override_note, 'b is ranked first on purpose: the test is wrong.')
  assert.is(done.body.derived_checks.reference_passes, false)
  assert.is(done.body.derived_checks.suite_fails_a_candidate, true)
  assert.is(fx.server.running.deps.records.read('t1', 1)?.override_note, 'b is ranked first on purpose: the test is wrong.')
})

test('never lets a note override missing work', async () => {
  await contradictedTask('t1', RUNS(), true)
  const refused = await act(fx.server, fx.server.leadToken, 't1', 'finalize', { override_note: 'the runs are wrong' })
  assert.is(refused.status, 409)
  const codes = refused.body.reasons.map((r: { code: string }) => r.code)
  assert.ok(codes.includes('unscored'), codes.join())
  assert.ok(codes.includes('ranking_contradicts_runs'), 'the run reasons are still listed')
  assert.is(fx.server.running.deps.db.task('t1')?.status, 'open')
})

test('weighs only current runs: a run of other tests is no reason, a run of these tests is', async () => {
  const stale = { solution: run('solution', 'fail', 'def test_old(): pass'), b: run('b', 'fail', 'def test_old(): pass'), a: run('a', 'pass', 'def test_old(): pass') }
  await contradictedTask('t1', stale)
  assert.is((await act(fx.server, fx.server.leadToken, 't1', 'finalize')).status, 200)
  await contradictedTask('t2', { b: run('b', 'fail'), a: run('a', 'pass') })
  const refused = await act(fx.server, fx.server.leadToken, 't2', 'finalize')
  assert.is(refused.status, 409)
  assert.equal(refused.body.reasons.map((r: { code: string }) => r.code), ['ranking_contradicts_runs'])
})

test('answers a malformed finalize body with 400 or 415 and changes nothing', async () => {
  await contradictedTask('t1', RUNS())
  for (const [body, type, code] of [
    [{ override_note: '   ' }, 'application/json', 400],
    [{ override_note: 7 }, 'application/json', 400],
    [{ override_note: 'ok', extra: 1 }, 'application/json', 400],
    ['{not json', 'application/json', 400],
    ['override_note=x', 'application/x-www-form-urlencoded', 415],
  ] as const) {
    const res = await fetch(`${fx.server.url}/api/tasks/t1/finalize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fx.server.leadToken}`, 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    assert.is(res.status, code, JSON.stringify(body))
    assert.ok(typeof (await res.json()).error === 'string')
  }
  assert.is(fx.server.running.deps.db.task('t1')?.status, 'open')
  assert.is((await act(fx.server, fx.server.leadToken, 't1', 'finalize', { override_note: 'checked by hand' })).status, 200)
})

test('the CLI lists run reasons as overridable and finalizes with --override-note', async () => {
  await contradictedTask('t1', RUNS())
  const io = { out: '', err: '' }
  const cli = async (argv: string[]) => {
    const run = await runCliCaptured([...argv, ...against(fx.server)])
    io.out += run.stdout
    io.err += run.stderr
    return run.code
  }
  assert.is(await cli(['finalize', 't1']), 1)
  assert.match(io.err, /the tests fail the reference solution \(0 of 1 pass\) \(overridable with --override-note\)/)
  assert.is(await cli(['finalize', 't1', '--override-note', '']), 2)
  assert.is(await cli(['finalize', 't1', '--override-note', 'the reference is being rewritten']), 0)
  assert.match(io.out, /finalized/)
  assert.is(fx.server.running.deps.records.read('t1', 1)?.override_note, 'the reference is being rewritten')
})

test.run()
