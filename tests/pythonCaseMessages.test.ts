/** A failing Python test_* case says why: its assert's line, or the error, never an empty message. */
import { loadPyodide } from 'pyodide'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { installHarness, runPython, type PyodideLike } from '../shared/harness/pyEngine'

const test = suite('pythonCaseMessages')
const pyodide = (await loadPyodide()) as unknown as PyodideLike
installHarness(pyodide)
const progress = { onCases: () => {}, onCase: () => {}, onCaseDone: () => {} }

const CODE = 'def add(a, b):\n    return a - b\n'
const run = (tests: string) => runPython(pyodide, { language: 'python', code: CODE, tests, entry_point: 'add' } as never, progress)

test('a failed assert in a test_* function names its line, and an error names its type and message', async () => {
  const out = await run('def test_sum():\n    assert add(1, 2) == 3\n\ndef test_name():\n    missing(1)\n\ndef test_ok():\n    assert add(2, 2) == 0\n')
  assert.equal(out.cases.map((c) => [c.name, c.status]), [['test_sum', 'fail'], ['test_name', 'error'], ['test_ok', 'pass']])
  assert.is(out.cases[0].message, 'assertion failed (line 2: assert add(1, 2) == 3)')
  assert.match(out.cases[1].message ?? '', /NameError: name 'missing' is not defined/)
})

test('an assert with its own message shows it; a check(candidate) statement already says its line (the control)', async () => {
  const said = await run('def test_sum():\n    assert add(1, 2) == 3, "adds"\n')
  assert.match(said.cases[0].message ?? '', /adds/)
  const check = await run('def check(candidate):\n    assert candidate(1, 2) == 3\n')
  assert.is(check.cases[0].message, 'assertion failed (line 2: assert candidate(1, 2) == 3)')
})

test.run()
