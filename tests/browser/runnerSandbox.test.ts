/** The test-run sandbox in a real browser: real Pyodide and QuickJS, demo tasks' code and tests. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { browserFixture, newUserPage } from '../helpers/browser'
import { openSandbox, runInSandbox } from '../helpers/sandbox'
import { truncate } from '../../server/seed/demo/tasks/js-truncate'
import { countWays } from '../../server/seed/demo/tasks/py-climb-stairs'
import { lruCache } from '../../server/seed/demo/tasks/ts-lru-cache'

const test = suite('runner sandbox')
const fx = browserFixture(test)

async function signedInPage() {
  const user = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(user)
  await user.page.goto('/')
  await openSandbox(user.page)
  return user
}

const failing = (o: { cases: { name: string; status: string }[] }) => o.cases.filter((c) => c.status !== 'pass').map((c) => c.name)

test('passes a correct JavaScript candidate and fails a subtly wrong one on the right case', async () => {
  const { page } = await signedInPage()
  const good = await runInSandbox(page, 'javascript', truncate.candidates[1].code, truncate.tests!)
  assert.is(good.status, 'pass', JSON.stringify(good))
  assert.is(good.cases.length, 4)
  const wrong = await runInSandbox(page, 'javascript', truncate.candidates[3].code, truncate.tests!)
  assert.is(wrong.status, 'fail', JSON.stringify(wrong))
  assert.equal(failing(wrong), ['counts an emoji as one character', 'handles a long text quickly'])
  assert.match(wrong.cases[2].message ?? '', /expected .*got/)
})

test('passes a correct Python candidate, fails a subtly wrong one on the right case, and stops an exponential one at the case and at the subject limit', async () => {
  const { page } = await signedInPage()
  const good = await runInSandbox(page, 'python', countWays.candidates[2].code, countWays.tests!)
  assert.is(good.status, 'pass', JSON.stringify(good))
  assert.is(good.cases.length, 4)
  const wrong = await runInSandbox(page, 'python', countWays.candidates[3].code, countWays.tests!)
  assert.is(wrong.status, 'fail', JSON.stringify(wrong))
  assert.equal(failing(wrong), ['test_zero_steps'])
  assert.match(wrong.cases[2].message ?? '', /count_ways\(0\) == 1/)
  // The seed tests give the efficiency case its own limit: the slow candidate fails just that case.
  const limited = await runInSandbox(page, 'python', countWays.candidates[0].code, countWays.tests!)
  assert.is(limited.status, 'fail', JSON.stringify(limited))
  assert.equal(failing(limited), ['test_taller_staircase'])
  assert.is(limited.cases[3].message, 'exceeded its 100 ms limit')
  // Without it, the subject's limit stops the run; the cases that finished keep their results.
  const unlimited = countWays.tests!.replace('@time_limit(100)\n', '')
  assert.not.match(unlimited, /time_limit/)
  const slow = await runInSandbox(page, 'python', countWays.candidates[0].code, unlimited, 1_500)
  assert.is(slow.status, 'timeout', JSON.stringify(slow))
  assert.equal(slow.cases.map((c) => c.status), ['pass', 'pass', 'pass', 'error'])
  assert.match(slow.cases[3].message ?? '', /exceeded the 1500 ms time limit/)
})

test('stops an infinite loop at its time limit without freezing the page, and runs the next subject at once', async () => {
  const { page } = await signedInPage()
  for (const [language, loop] of [['python', 'while True:\n    pass'], ['javascript', 'while (true) {}']] as const) {
    const tests = language === 'python' ? 'def test_x():\n    assert True' : "test('x', () => assert.ok(true))"
    await runInSandbox(page, language, '', tests) // warm the runtime first: the limit covers the run only
    const started = Date.now()
    const running = runInSandbox(page, language, loop, tests, 1_000)
    const gaps: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = Date.now()
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))))
      gaps.push(Date.now() - t)
    }
    const stopped = await running
    const stoppedMs = Date.now() - started
    assert.is(stopped.status, 'timeout', `${language}: ${JSON.stringify(stopped)}`)
    assert.ok(stoppedMs < 1_000 + 2_000, `${language} stopped after ${stoppedMs} ms`)
    assert.ok(Math.max(...gaps) < 500, `${language}: the page answered a frame within ${Math.max(...gaps)} ms`)
    const next = await runInSandbox(page, language, '', tests)
    assert.is(next.status, 'pass', `${language} runs again after a timeout: ${JSON.stringify(next)}`)
  }
})

test('reports an exception and a syntax error as such, and deep JavaScript recursion as a clean error', async () => {
  const { page } = await signedInPage()
  const pyTests = 'def test_value():\n    assert f() == 1'
  const raised = await runInSandbox(page, 'python', 'def f():\n    return {}["missing"]', pyTests)
  assert.is(raised.status, 'fail')
  assert.is(raised.cases[0].status, 'error')
  assert.match(raised.cases[0].message ?? '', /^KeyError: 'missing'/)
  const pySyntax = await runInSandbox(page, 'python', 'def f(:\n    return 1', pyTests)
  assert.is(pySyntax.status, 'error')
  assert.match(pySyntax.error ?? '', /^SyntaxError in the code: .*line 1/)
  assert.equal(pySyntax.cases, [{ name: 'test_value', status: 'error', message: pySyntax.error }])

  const jsTests = "test('value', () => assert.equal(f(), 1))"
  const thrown = await runInSandbox(page, 'javascript', 'function f() { return null.x }', jsTests)
  assert.is(thrown.cases[0].status, 'error')
  assert.match(thrown.cases[0].message ?? '', /^TypeError: /)
  const jsSyntax = await runInSandbox(page, 'javascript', 'function f( { return 1 }', jsTests)
  assert.is(jsSyntax.status, 'error')
  assert.match(jsSyntax.error ?? '', /SyntaxError/)
  const deep = await runInSandbox(page, 'javascript', 'function f(n = 0) { return f(n + 1) + 1 }', jsTests)
  assert.is(deep.status, 'fail', JSON.stringify(deep))
  assert.match(deep.cases[0].message ?? '', /^(RangeError|InternalError): .*stack/i)
  const after = await runInSandbox(page, 'javascript', 'function f() { return 1 }', jsTests)
  assert.is(after.status, 'pass', 'the runtime survives the overflow')
})

test('strips TypeScript types, runs the demo LRU cache, and refuses a namespace with a clear message', async () => {
  const { page } = await signedInPage()
  const results = []
  for (const c of lruCache.candidates) results.push(await runInSandbox(page, 'typescript', c.code, lruCache.tests!))
  assert.ok(results.some((r) => r.status === 'pass'), JSON.stringify(results.map((r) => [r.status, r.error])))
  assert.ok(results.every((r) => r.status !== 'error'), JSON.stringify(results.map((r) => r.error)))
  const ns = await runInSandbox(page, 'typescript', 'namespace Util { export const one = 1 }', "test('x', () => assert.ok(true))")
  assert.is(ns.status, 'error')
  assert.match(ns.error ?? '', /TypeScript namespace/)
})

test('keeps candidate code from the app’s cookie, storage, API, WebSocket and page, while the same calls work in the page', async () => {
  const { page } = await signedInPage()
  const base = fx.server.url
  const wsUrl = `${base.replace(/^http/, 'ws')}/ws/${encodeURIComponent('task:probe')}`
  // Controls: the same calls from the app's page work.
  const pageControl = await page.evaluate(
    async ([base, wsUrl]) => {
      document.cookie = 'probe=page-cookie'
      localStorage.setItem('probe', 'page-storage')
      const me = await fetch(`${base}/api/me`)
      const ws = await new Promise<string>((resolve) => {
        const s = new WebSocket(wsUrl)
        s.onopen = () => (s.close(), resolve('open'))
        s.onerror = () => resolve('blocked')
      })
      return { cookie: document.cookie, storage: localStorage.getItem('probe'), me: me.status, ws, parent: typeof window.parent.document }
    },
    [base, wsUrl] as const,
  )
  assert.equal(pageControl, { cookie: 'probe=page-cookie', storage: 'page-storage', me: 200, ws: 'open', parent: 'object' })

  const marker = 'zq-forged-from-candidate'
  await page.evaluate((marker) => {
    const w = window as unknown as { __forged: number }
    w.__forged = 0
    window.addEventListener('message', (e) => {
      if (JSON.stringify(e.data).includes(marker)) w.__forged++
    })
  }, marker)
  const probes = String.raw`
import js, asyncio
from pyodide.ffi import to_js

async def fetch_status(url):
    try:
        r = await js.fetch(url)
        return r.status
    except Exception as e:
        return 'blocked'

async def test_control_the_runtime_files_can_be_fetched():
    assert await fetch_status('${base}/runner/vendor/pyodide/pyodide-lock.json') == 200

async def test_api_me_is_unreachable():
    assert await fetch_status('${base}/api/me') == 'blocked'

def test_no_cookie_to_read():
    assert not hasattr(js, 'document')
    assert not hasattr(js, 'cookieStore')

def test_no_storage():
    assert getattr(js, 'localStorage', None) is None
    try:
        js.indexedDB.open('probe')
        opened = True
    except Exception:
        opened = False
    assert not opened

async def test_no_websocket():
    try:
        ws = js.WebSocket.new('${wsUrl}')
    except Exception:
        return
    done = asyncio.get_event_loop().create_future()
    ws.onopen = lambda e: done.done() or done.set_result('open')
    ws.onerror = lambda e: done.done() or done.set_result('blocked')
    assert await asyncio.wait_for(done, 5) == 'blocked'

def test_no_parent_page():
    assert not hasattr(js, 'parent') and not hasattr(js, 'top')
    js.postMessage(to_js({'type': 'result', 'id': 'x', 'note': '${marker}'}, dict_converter=js.Object.fromEntries))
`
  // Code in the sandbox cannot even reach the worker's JavaScript: importing js is refused.
  const result = await runInSandbox(page, 'python', '', probes)
  assert.is(result.status, 'error', JSON.stringify(result))
  assert.match(result.error ?? '', 'the module js is not available to code under test')
  // Control: the same sandbox runs tests that do not reach for js.
  const control = await runInSandbox(page, 'python', '', 'def test_ok():\n    assert 1 + 1 == 2\n')
  assert.is(control.status, 'pass', JSON.stringify(control))
  // The result message arrived (positive control); the forged one posted by the candidate did not.
  assert.is(await page.evaluate(() => (window as unknown as { __forged: number }).__forged), 0)
})

test.run()
