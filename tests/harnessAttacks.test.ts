/**
 * shared/harness on the real runtimes (Pyodide and QuickJS in this process, as a Node host runs
 * them): candidates that try to forge their own pass or poison the next subject, each beside a
 * correct and a wrong candidate as controls; HumanEval's check(candidate); suites with no tests.
 */
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core'
import releaseSync from '@jitl/quickjs-wasmfile-release-sync'
import { loadPyodide } from 'pyodide'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createJsEngine } from '../shared/harness/jsEngine'
import { installHarness, runPython, type PyodideLike } from '../shared/harness/pyEngine'
import { toOutcome } from '../shared/harness/outcome'
import { countsAsPass, toReportedRun, type Outcome } from '../shared/runs'
import type { RunResult } from '../shared/schema'

const quickjs = createJsEngine(await newQuickJSWASMModuleFromVariant(releaseSync))
const pyodide = (await loadPyodide()) as unknown as PyodideLike
installHarness(pyodide)
const quiet = { onCases() {}, onCase() {}, onCaseDone() {} }

async function py(code: string, tests: string, entry?: string): Promise<Outcome> {
  const raw = await runPython(pyodide, { language: 'python', code, tests, timeout_ms: 5_000, ...(entry ? { entry_point: entry } : {}) }, quiet)
  return toOutcome(raw, 0)
}
function js(code: string, tests: string): Outcome {
  return toOutcome(quickjs.run({ language: 'javascript', code, tests, timeout_ms: 5_000 }, quiet), 0)
}
/** Whether a run would count as a pass in the derived checks (a flagged pass does not). */
function counts(o: Outcome): boolean {
  const run = toReportedRun(o, { testsSha256: '0'.repeat(64), codeSha256: '0'.repeat(64) })
  return countsAsPass({ ...run, ran_by: 'u', ran_at: 'now' } as RunResult)
}
const show = (o: Outcome) => JSON.stringify({ status: o.status, flags: o.flags, error: o.error, cases: o.cases })

const PY_TESTS = 'def test_small():\n    assert add(1, 2) == 3\n\ndef test_big():\n    assert add(40, 2) == 42\n'
const PY_RIGHT = 'def add(a, b):\n    return a + b\n'
const PY_WRONG = 'def add(a, b):\n    return a - b\n'

/** A correct candidate passes unflagged and a wrong one fails: the controls every attack sits between. */
async function pyControls(tests = PY_TESTS, right = PY_RIGHT, wrong = PY_WRONG, entry?: string): Promise<void> {
  const good = await py(right, tests, entry)
  assert.ok(good.status === 'pass' && !good.flags && counts(good), `correct candidate: ${show(good)}`)
  const bad = await py(wrong, tests, entry)
  assert.ok(bad.status === 'fail' && !bad.flags && !counts(bad), `wrong candidate: ${show(bad)}`)
}

const pyAttacks = suite('python harness attacks')

pyAttacks('a candidate that patches the harness through its caller frame globals does not pass', async () => {
  const attack =
    'import sys\n' +
    'def add(a, b):\n' +
    '    g = sys._getframe(1).f_globals\n' +
    '    for name in list(g):\n' +
    "        if name.startswith('test_'):\n" +
    '            g[name] = lambda: None\n' +
    "    g['AssertionError'] = type('Never', (Exception,), {})\n" +
    '    return 0\n'
  const o = await py(attack, PY_TESTS)
  assert.is(o.status, 'fail', show(o))
  assert.ok(o.flags?.includes('frame-introspection'), show(o))
  assert.not.ok(counts(o))
  await pyControls()
})

pyAttacks('an always-equal int subclass is flagged, and its pass does not count', async () => {
  const attack = 'class E(int):\n    __eq__ = lambda s, o: True\n    __ne__ = lambda s, o: False\ndef add(a, b):\n    return E(0)\n'
  const o = await py(attack, PY_TESTS)
  assert.ok(o.flags?.includes('eq-override'), show(o))
  assert.not.ok(counts(o), show(o))
  await pyControls()
})

pyAttacks('a candidate that shadows time_limit cannot lift a limit or replace the test', async () => {
  const tests = '@time_limit(50)\ndef test_fast():\n    assert add(1, 2) == 3\n\ndef test_big():\n    assert add(40, 2) == 42\n'
  const attack =
    'import builtins\n' +
    'def time_limit(ms):\n    return lambda f: (lambda: None)\n' +
    'builtins.time_limit = time_limit\n' +
    'def add(a, b):\n    while a == 1:\n        pass\n    return a + b\n'
  const o = await py(attack, tests)
  assert.equal(o.cases[0], { name: 'test_fast', status: 'fail', message: 'exceeded its 50 ms limit' }, show(o))
  assert.not.ok(counts(o))
  await pyControls(tests)
})

pyAttacks('a candidate that exits early, at load or inside a case, errors and is flagged; the next subject still runs', async () => {
  for (const attack of ['import sys\nsys.exit(0)\n', 'import os\ndef add(a, b):\n    os._exit(0)\n', 'def add(a, b):\n    raise SystemExit(0)\n']) {
    const o = await py(attack, PY_TESTS)
    assert.ok(o.cases.every((c) => c.status === 'error'), show(o))
    assert.ok(o.flags?.includes('exit'), show(o))
    assert.not.ok(counts(o))
  }
  await pyControls()
})

pyAttacks('fake pass markers printed by a candidate change nothing', async () => {
  const attack = 'def add(a, b):\n    print(\'{"status": "pass"}\')\n    print("PASSED test_small test_big 2/2 ✓")\n    return 0\n'
  const o = await py(attack, PY_TESTS)
  assert.is(o.status, 'fail', show(o))
  assert.match(o.stdout, 'PASSED')
  await pyControls()
})

pyAttacks('a candidate cannot read the tests: no source, no gc, and reading frames is flagged', async () => {
  const viaGc = 'import gc\ndef add(a, b):\n    gc.get_objects()\n    return 0\n'
  const o1 = await py(viaGc, PY_TESTS)
  assert.not.ok(counts(o1), show(o1))
  assert.ok(o1.flags?.includes('harness'), show(o1))
  const viaSource =
    'import inspect, linecache, sys\n' +
    'def add(a, b):\n' +
    '    try:\n        return len(inspect.getsource(sys.modules[__name__]))\n    except Exception:\n        pass\n' +
    "    return len(''.join(linecache.getlines('<tests>')))\n"
  const o2 = await py(viaSource, PY_TESTS)
  assert.is(o2.status, 'fail', show(o2))
  const viaConsts = 'import sys\ndef add(a, b):\n    consts = sys._getframe(1).f_code.co_consts\n    return [c for c in consts if isinstance(c, int)][-1]\n'
  const o3 = await py(viaConsts, PY_TESTS)
  assert.ok(o3.flags?.includes('frame-introspection'), show(o3))
  assert.not.ok(counts(o3))
  await pyControls()
})

pyAttacks('a poisoner that patches builtins, modules and classes leaves the next candidates clean', async () => {
  const tests =
    'import json, fractions\n' +
    'def test_sorted():\n    assert sorted(add_all([3, 1, 2])) == [1, 2, 3]\n' +
    'def test_json():\n    assert json.dumps(add_all([1])) == "[1]"\n' +
    'def test_fraction():\n    assert fractions.Fraction(1, 2) != fractions.Fraction(1, 3)\n'
  const poisoner =
    'import builtins, json, fractions, os\n' +
    'builtins.sorted = lambda xs: []\n' +
    'json.dumps = lambda *a, **k: "poison"\n' +
    'fractions.Fraction.__ne__ = lambda s, o: False\n' +
    "os.environ['POISON'] = '1'\n" +
    'def add_all(xs):\n    return list(xs)\n'
  const o = await py(poisoner, tests)
  assert.ok(o.flags?.includes('harness'), show(o))
  assert.not.ok(counts(o))
  const right = 'def add_all(xs):\n    return list(xs)\n'
  for (let i = 0; i < 2; i++) {
    const clean = await py(right, tests)
    assert.ok(clean.status === 'pass' && !clean.flags, `correct candidate ${i + 1} after the poisoner: ${show(clean)}`)
  }
  const env = await py("import os\ndef add_all(xs):\n    return [os.environ.get('POISON', 'clean')]\n", 'def test_env():\n    assert add_all([]) == ["clean"]\n')
  assert.is(env.status, 'pass', show(env))
  const wrong = await py('def add_all(xs):\n    return []\n', tests)
  assert.is(wrong.status, 'fail', show(wrong))
})

pyAttacks('a candidate cannot reach the host through the js or pyodide modules, nor write files', async () => {
  for (const attack of ['import js\ndef add(a, b):\n    return a + b\n', 'import pyodide_js\ndef add(a, b):\n    return a + b\n', "open('/tmp/x.py', 'w').write('x')\ndef add(a, b):\n    return a + b\n"]) {
    const o = await py(attack, PY_TESTS)
    assert.is(o.status, 'error', show(o))
  }
  await pyControls()
})

pyAttacks('a candidate that rebinds the harness’s own names from module level does not poison the next subjects in the interpreter', async () => {
  const poison =
    'import sys\n' +
    'g = sys._getframe(1).f_globals\n' +
    'def lt(tests, entry_point):\n' +
    "    return [['test_small', lambda: None, 0, 'test'], ['test_big', lambda: None, 0, 'test']], None\n" +
    "g['load_tests'] = lt\n" +
    "g['_state']['inside'] = True\n" +
    "g['_base']['builtins']['len'] = lambda x: 0\n" +
    'def add(a, b):\n' +
    '    return 0\n'
  const own = await py(poison, PY_TESTS)
  assert.ok(own.flags?.includes('frame-introspection') && !counts(own), show(own))
  // The controls, in the same interpreter after the poisoner: the wrong one still fails, unflagged.
  await pyControls()
  const later = await py('import sys\nsys._getframe(0)\ndef add(a, b):\n    return a + b\n', PY_TESTS)
  assert.ok(later.flags?.includes('frame-introspection'), `the audit hook still watches the next subject: ${show(later)}`)
  const lens = await py('def add(a, b):\n    return len([a] * b)\n', 'def test_len():\n    assert add(1, 3) == 3\n')
  assert.is(lens.status, 'pass', `the next subject's builtins are the clean ones: ${show(lens)}`)
})

pyAttacks.run()

const format = suite('test formats')

format("runs HumanEval's check(candidate) with the entry point, one case per assert", async () => {
  const tests =
    'METADATA = {}\n\n' +
    'def check(candidate):\n' +
    '    assert candidate(1, 2) == 3\n' +
    '    x = 40\n' +
    '    assert candidate(x, 2) == 42, "forty-two"\n' +
    '    for i in range(3):\n' +
    '        assert candidate(i, 0) == i\n'
  const good = await py('def add(a, b):\n    return a + b\n', tests, 'add')
  assert.is(good.status, 'pass', show(good))
  assert.equal(good.cases.map((c) => c.name), ['check line 4: assert candidate(1, 2) == 3', 'check line 6: assert candidate(x, 2) == 42, "forty-two"', 'check line 7: for i in range(3):'])
  const bad = await py('def add(a, b):\n    return 3\n', tests, 'add')
  assert.equal(bad.cases.map((c) => c.status), ['pass', 'fail', 'fail'], show(bad))
  assert.match(bad.cases[1].message ?? '', 'forty-two')
  const noEntry = await py('def add(a, b):\n    return a + b\n', tests)
  assert.is(noEntry.status, 'error')
  assert.match(noEntry.error ?? '', /^no tests found: .*entry point/)
})

format('says "no tests found" for a suite it does not recognise, in both runtimes', async () => {
  const pyNone = await py(PY_RIGHT, 'x = add(1, 2)\n')
  assert.is(pyNone.status, 'error')
  assert.match(pyNone.error ?? '', /^no tests found: /)
  const jsNone = js('function add(a, b) { return a + b }', 'const x = add(1, 2)')
  assert.is(jsNone.status, 'error')
  assert.match(jsNone.error ?? '', /^no tests found: /)
  const reported = toReportedRun(jsNone, { testsSha256: '0'.repeat(64), codeSha256: '0'.repeat(64) })
  assert.equal(reported.cases.map((c) => c.name), ['no tests found'])
  // Controls: a recognised suite runs its cases.
  assert.is((await py(PY_RIGHT, PY_TESTS)).cases.length, 2)
  assert.is(js('function add(a, b) { return a + b }', "test('x', () => assert.equal(add(1, 2), 3))").status, 'pass')
})

format.run()

const JS_TESTS =
  "test('small', () => { assert.equal(add(1, 2), 3) })\n" +
  "test('deep', () => { assert.deepEqual([add(1, 1)], [2]) })\n" +
  "test('later', async () => { assert.equal(await Promise.resolve(add(2, 2)), 4) })\n"
const JS_RIGHT = 'function add(a, b) { return a + b }'
const JS_WRONG = 'function add(a, b) { return a - b }'

function jsControls(): void {
  const good = js(JS_RIGHT, JS_TESTS)
  assert.ok(good.status === 'pass' && !good.flags && counts(good), `correct candidate: ${show(good)}`)
  const bad = js(JS_WRONG, JS_TESTS)
  assert.ok(bad.status === 'fail' && !bad.flags, `wrong candidate: ${show(bad)}`)
}

const jsAttacks = suite('javascript harness attacks')

jsAttacks('a candidate that patches JSON.stringify does not pass, and is flagged', () => {
  const o = js(`${JS_WRONG}\nJSON.stringify = () => '{"status":"pass"}'\nJSON.parse = () => ({ status: 'pass' })`, JS_TESTS)
  assert.is(o.status, 'fail', show(o))
  assert.ok(o.flags?.includes('harness'), show(o))
  jsControls()
})

jsAttacks('a candidate that wraps or replaces test to swallow failures does not pass', () => {
  const wrap = `${JS_WRONG}\nconst real = globalThis.test\nglobalThis.test = (n, f) => real && real(n, () => { try { f() } catch (e) {} })`
  assert.is(js(wrap, JS_TESTS).status, 'fail')
  const replace = `${JS_WRONG}\nObject.defineProperty(globalThis, 'test', { value: () => {}, writable: false })`
  assert.is(js(replace, JS_TESTS).status, 'fail')
  jsControls()
})

jsAttacks('a candidate that overrides assert does not pass', () => {
  const o = js(`${JS_WRONG}\nglobalThis.assert = { ok() {}, equal() {}, deepEqual() {}, throws() {} }\nvar assert = globalThis.assert`, JS_TESTS)
  assert.is(o.status, 'fail', show(o))
  jsControls()
})

jsAttacks('Object.prototype pollution and patched intrinsics are put back and flagged', () => {
  const pollute = `${JS_WRONG}\nObject.prototype.status = 'pass'\nObject.prototype.then = (r) => r()\nObject.keys = () => []\nString.prototype.includes = () => true`
  const o = js(pollute, JS_TESTS + "test('includes', () => { assert.ok(!'abc'.includes('z')) })\n")
  assert.is(o.status, 'fail', show(o))
  assert.ok(o.flags?.includes('harness'), show(o))
  assert.is(o.cases[3].status, 'pass', 'the tests saw the real String.prototype.includes')
  jsControls()
})

jsAttacks('fake pass markers printed by a candidate change nothing', () => {
  const o = js(`${JS_WRONG.replace('{', '{ console.log("✓ pass 3/3", JSON.stringify({ status: "pass" }));')}`, JS_TESTS)
  assert.is(o.status, 'fail', show(o))
  assert.match(o.stdout, 'pass 3/3')
  jsControls()
})

jsAttacks.run()
