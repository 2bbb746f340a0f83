/** Importing a standard module the runner did not preload is no tampering; compiling code under its name is. */
import { loadPyodide } from 'pyodide'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { installHarness, runPython, type PyodideLike } from '../shared/harness/pyEngine'

const test = suite('stdlibImports')
const pyodide = (await loadPyodide()) as unknown as PyodideLike
installHarness(pyodide)
const progress = { onCases: () => {}, onCase: () => {}, onCaseDone: () => {} }
const run = (code: string, tests: string) => runPython(pyodide, { language: 'python', code, tests, entry_point: 'half' } as never, progress)
const TESTS = 'def test_half():\n    assert half(3) == 1.5\n'

test('a candidate that imports datetime, and tests that import statistics, pass unflagged', async () => {
  const code = await run('import datetime\ndef half(x):\n    return x / 2\n', TESTS)
  assert.equal([code.cases.map((c) => c.status), code.flags], [['pass'], undefined])
  const tests = await run('def half(x):\n    return x / 2\n', 'import statistics\n\ndef test_half():\n    assert half(3) == statistics.mean([1, 2])\n')
  assert.equal([tests.cases.map((c) => c.status), tests.flags], [['pass'], undefined])
})

test('a candidate that compiles its own code under a standard module’s file name is still flagged (the control)', async () => {
  const o = await run("exec(compile('y = 1', '/lib/python3.14/fake.py', 'exec'), {})\ndef half(x):\n    return x / 2\n", TESTS)
  assert.ok(o.flags?.includes('harness'), JSON.stringify(o))
})

test('a module the candidate imports is the same module its tests import, so an honest candidate passes', async () => {
  const fraction = await run('from fractions import Fraction\ndef half(x):\n    return Fraction(x, 2)\n', 'import fractions\n\ndef test_half():\n    assert half(3) == fractions.Fraction(3, 2)\n')
  assert.equal([fraction.cases.map((c) => c.status), fraction.flags], [['pass'], undefined], JSON.stringify(fraction))
  const sub = await run('import xml.dom.minidom\ndef half(x):\n    return xml.dom.minidom.parseString(f"<a>{x / 2}</a>")\n', 'import xml.dom.minidom\n\ndef test_half():\n    assert isinstance(half(3), xml.dom.minidom.Document)\n    assert xml.dom.minidom.parseString("<b/>").documentElement.tagName == "b"\n')
  assert.equal([sub.cases.map((c) => c.status), sub.flags], [['pass'], undefined], JSON.stringify(sub))
  // The control: a wrong candidate still fails, and the next subject gets a fresh copy of the module.
  const wrong = await run('from fractions import Fraction\ndef half(x):\n    return Fraction(x, 3)\n', 'import fractions\n\ndef test_half():\n    assert half(3) == fractions.Fraction(3, 2)\n')
  assert.equal(wrong.cases.map((c) => c.status), ['fail'], JSON.stringify(wrong))
})

test.run()
