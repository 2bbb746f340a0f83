/**
 * shared/harness on interpreters restored from a memory snapshot taken after the harness was
 * installed (as the browser worker does): the harness is adopted clean, the host's modules are
 * hidden again, and each restored interpreter starts where the snapshot left it.
 */
import { loadPyodide } from 'pyodide'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { adoptHarness, runPython, stashHarness, type PyodideLike } from '../shared/harness/pyEngine'
import { toOutcome } from '../shared/harness/outcome'

type Snapshotting = PyodideLike & { makeMemorySnapshot(): Uint8Array }
const quiet = { onCases() {}, onCase() {}, onCaseDone() {} }
const first = (await loadPyodide({ _makeSnapshot: true } as object)) as unknown as Snapshotting
stashHarness(first)
const snapshot = first.makeMemorySnapshot()

async function restored(): Promise<PyodideLike> {
  const py = (await loadPyodide({ _loadSnapshot: snapshot } as object)) as unknown as PyodideLike
  adoptHarness(py)
  return py
}
async function run(py: PyodideLike, code: string, tests: string) {
  return toOutcome(await runPython(py, { language: 'python', code, tests, timeout_ms: 5_000 }, quiet), 0)
}
const show = (o: unknown) => JSON.stringify(o)

const test = suite('python snapshot interpreters')

test('a restored interpreter hides the host modules from the subject again and leaves no stash behind', async () => {
  const py = await restored()
  const tests = 'def test_ok():\n    assert f() == 1\n'
  const good = await run(py, 'import json, sys\ndef f():\n    return 1\n', tests)
  assert.ok(good.status === 'pass' && !good.flags, `control: ${show(good)}`)
  for (const name of ['js', 'pyodide', 'pyodide_js', '_pyodide']) {
    const bad = await run(await restored(), `import ${name}\ndef f():\n    return 1\n`, tests)
    assert.is(bad.status, 'error', `import ${name}: ${show(bad)}`)
    assert.match(bad.error ?? '', /not available to code under test/)
    assert.equal(bad.flags, ['harness'])
  }
  const stash = await run(await restored(), "import sys\ndef f():\n    return 0 if hasattr(sys, '_codejury_harness') else 1\n", tests)
  assert.is(stash.status, 'pass', show(stash))
})

test('an interpreter adopts its harness once, and one from a snapshot without a harness is refused', async () => {
  const py = await restored()
  assert.throws(() => adoptHarness(py), /already has a harness/)
  const plain = (await loadPyodide({ _makeSnapshot: true } as object)) as unknown as Snapshotting
  const bare = (await loadPyodide({ _loadSnapshot: plain.makeMemorySnapshot() } as object)) as unknown as PyodideLike
  assert.throws(() => adoptHarness(bare), /holds no harness/)
})

test('interpreters restored from one snapshot draw their own random numbers; a seeded generator repeats in each, the control', async () => {
  const tests = 'def test_value():\n    assert False, repr(VALUE)\n'
  const value = async (code: string) => (await run(await restored(), code, tests)).cases[0]?.message ?? ''
  const [a, b] = [await value('import random\nVALUE = random.random()\n'), await value('import random\nVALUE = random.random()\n')]
  assert.match(a, /0\.\d+/)
  assert.is.not(a, b, 'two interpreters restored from one snapshot drew the same number')
  const seeded = 'import random\nrandom.seed(7)\nVALUE = random.random()\n'
  const [c, d] = [await value(seeded), await value(seeded)]
  assert.match(c, /0\.\d+/)
  assert.is(c, d)
})

test('an async test runs on its own event loop: sleep, gather and timers pass, a wrong await fails, a loop that never ends meets its limit', async () => {
  const py = await restored()
  const code = 'import asyncio\nasync def double(x):\n    await asyncio.sleep(0)\n    return 2 * x\n'
  const tests = [
    'import asyncio',
    'async def test_sleep():\n    assert await double(2) == 4',
    'async def test_gather():\n    assert await asyncio.gather(double(1), double(2)) == [2, 4]',
    'async def test_timer():\n    await asyncio.sleep(0.02)',
    '@time_limit(200)\nasync def test_forever():\n    while True:\n        await asyncio.sleep(0)',
    'async def test_wrong():\n    assert await double(2) == 5',
  ].join('\n\n')
  const o = await run(py, code, tests)
  assert.equal(o.cases.map((c) => [c.name, c.status]), [
    ['test_sleep', 'pass'], ['test_gather', 'pass'], ['test_timer', 'pass'], ['test_forever', 'fail'], ['test_wrong', 'fail'],
  ], show(o))
  assert.is(o.flags, undefined, show(o))
})

test.run()
