/** The browser runner gives every Python subject a clean interpreter: nothing one subject did reaches another. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { browserFixture, newUserPage } from '../helpers/browser'
import { openSandbox, runAllInSandbox, runInSandbox } from '../helpers/sandbox'

const test = suite('runner fresh interpreters')
const fx = browserFixture(test)

/**
 * A poisoner: when the tests call `poison()`, it changes state a dict-level reset cannot put
 * back (C-module settings, the codec registry, files) and state one can (sys.modules, builtins,
 * attributes of C modules), each in its own try so one refusal does not hide the others.
 */
const POISONER = `
import sys, builtins, math, json, decimal, codecs, pathlib, types

def poison():
    steps = [
        lambda: sys.modules.__setitem__('cj_evil', types.ModuleType('cj_evil')),
        lambda: setattr(builtins, 'CJ_MARK', 1),
        lambda: setattr(math, 'sqrt', lambda x: 42),
        lambda: setattr(json, 'dumps', lambda *a, **k: 'poisoned'),
        lambda: sys.set_int_max_str_digits(640),
        lambda: setattr(decimal.getcontext(), 'prec', 3),
        lambda: codecs.register(lambda name: codecs.lookup('utf-8') if name == 'cj_evil' else None),
        lambda: pathlib.Path('/tmp/cj_evil').write_text('A'),
        lambda: pathlib.Path('/home/pyodide/cj_evil').write_text('A'),
    ]
    for step in steps:
        try:
            step()
        except BaseException:
            pass
`

const HONEST = 'def poison():\n    pass\n'

/** One case per kind of state: each fails where the poison is visible. */
const TESTS = `
import sys, builtins, math, json, decimal, codecs, os

def test_0_poison():
    poison()

def test_sys_modules():
    assert 'cj_evil' not in sys.modules

def test_builtins():
    assert not hasattr(builtins, 'CJ_MARK')

def test_math_sqrt():
    assert math.sqrt(4) == 2.0

def test_json_dumps():
    assert json.dumps(1) == '1'

def test_int_digits():
    assert sys.get_int_max_str_digits() == 4300

def test_decimal_context():
    assert decimal.getcontext().prec == 28

def test_codec_registry():
    try:
        codecs.lookup('cj_evil')
    except LookupError:
        return
    assert False, 'the codec is registered'

def test_tmp_file():
    assert not os.path.exists('/tmp/cj_evil')

def test_home_file():
    assert not os.path.exists('/home/pyodide/cj_evil')
`
const STATES = ['sys_modules', 'builtins', 'math_sqrt', 'json_dumps', 'int_digits', 'decimal_context', 'codec_registry', 'tmp_file', 'home_file']

const statuses = (o: { cases: { name: string; status: string }[] }) =>
  Object.fromEntries(o.cases.filter((c) => c.name !== 'test_0_poison').map((c) => [c.name.replace(/^test_/, ''), c.status]))
const all = (status: string) => Object.fromEntries(STATES.map((s) => [s, status]))

test('what a Python candidate does to its interpreter is visible to its own tests and to no other subject, in the same run or the next', async () => {
  const user = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(user)
  const { page } = user
  await page.goto('/')
  await openSandbox(page)
  const subjects = [POISONER, HONEST, POISONER, HONEST].map((code) => ({ language: 'python' as const, code, tests: TESTS }))
  const run = await runAllInSandbox(page, subjects)
  // Positive control: within the poisoner's own run every kind of state it changed is seen.
  for (const i of [0, 2]) assert.equal(statuses(run.outcomes[i]), all('fail'), JSON.stringify(run.outcomes[i]))
  // The honest subjects after each poisoner see none of it.
  for (const i of [1, 3]) assert.equal(statuses(run.outcomes[i]), all('pass'), JSON.stringify(run.outcomes[i]))
  // Another task's run in the same tab (other tests, same worker) starts clean too.
  const other = await runInSandbox(page, 'python', HONEST, `${TESTS}\ndef test_other_task():\n    assert True\n`)
  assert.equal(statuses(other), { ...all('pass'), other_task: 'pass' }, JSON.stringify(other))
})

test('an async Python test may await asyncio.sleep(0) and gather coroutines, and its failures are reported', async () => {
  const user = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(user)
  const { page } = user
  await page.goto('/')
  await openSandbox(page)
  const code = 'import asyncio\nasync def double(x):\n    await asyncio.sleep(0)\n    return 2 * x\n'
  const tests = [
    'import asyncio',
    'async def test_sleep():\n    await asyncio.sleep(0)\n    assert await double(2) == 4',
    'async def test_gather():\n    assert await asyncio.gather(double(1), double(2)) == [2, 4]',
    'async def test_wrong():\n    assert await double(2) == 5',
  ].join('\n\n')
  const out = await runInSandbox(page, 'python', code, tests)
  assert.equal(out.cases.map((c) => [c.name, c.status]), [['test_sleep', 'pass'], ['test_gather', 'pass'], ['test_wrong', 'fail']], JSON.stringify(out))
})

test.run()
