/**
 * The server's evidence beside the browser's: with nobody running anything, finalize's server runs
 * name the cheats in the record and in the lead's matrix; a browser pass the server fails on the
 * same texts is marked as a disagreement, and a server run of older texts is not.
 */
import fs from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'
import { sha256Hex } from '../../shared/record'
import { api, importTasks } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { CRITERIA, syncedPeer, waitForServerDoc } from '../helpers/review'

const test = suite('browser server evidence')
const HAS_BWRAP = fs.existsSync('/usr/bin/bwrap')
const fx = browserFixture(test, { config: { sandbox: HAS_BWRAP ? 'auto' : 'off', sandboxPool: 0 } })
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

const TESTS = 'def test_small():\n    assert add(1, 2) == 3\n\ndef test_big():\n    assert add(40, 2) == 42\n'
const SOLUTION = 'def add(a, b):\n    return a + b\n'
const CODE = {
  a: 'def add(a, b):\n    return a + b\n',
  // Patches the harness through its caller's globals: every test a no-op, asserts never raised.
  h:
    'import sys\n' +
    'def add(a, b):\n' +
    '    g = sys._getframe(1).f_globals\n' +
    '    for name in list(g):\n' +
    "        if name.startswith('test_'):\n" +
    '            g[name] = lambda: None\n' +
    "    g['AssertionError'] = type('Never', (Exception,), {})\n" +
    '    return 0\n',
  // An int equal to everything.
  e: 'class E(int):\n    __eq__ = lambda s, o: True\n    __ne__ = lambda s, o: False\ndef add(a, b):\n    return E(0)\n',
  // Patches `sum` for whoever runs next in the same interpreter; c uses `sum`.
  p: 'import builtins\nbuiltins.sum = lambda *args, **kw: 0\ndef add(a, b):\n    return a + b\n',
  c: 'def add(a, b):\n    return sum([a, b])\n',
} as const
type Key = keyof typeof CODE

function taskLine(id: string, keys: readonly Key[]): string {
  return JSON.stringify({
    id,
    prompt: 'Write `add(a, b)`.',
    language: 'python',
    entry_point: 'add',
    candidates: keys.map((k) => ({ id: k, code: CODE[k], model: `model-${k}` })),
  })
}

/** Ranks, scores and writes every text through a peer, as a team would, and waits for the server to hold it. */
async function complete(id: string, ranking: readonly string[]): Promise<Peer> {
  const peer = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, peers)
  const ws = getWorkspace(peer.doc)
  peer.doc.transact(() => {
    ws.ranking.push([...ranking])
    for (const cand of ranking) {
      const row = new Y.Map<number>()
      for (const k of CRITERIA) row.set(k, 3)
      ws.ratings.set(cand, row)
    }
    ws.explanation.insert(0, 'a and c are right; the others game the tests.')
    ws.solution.insert(0, SOLUTION)
    ws.tests.insert(0, TESTS)
  })
  await waitForServerDoc(fx.server, roomName.workspace(id), (d) => getWorkspace(d).tests.toString() === TESTS && getWorkspace(d).ratings.size === ranking.length, 'the server to hold the workspace')
  return peer
}

/** Starts the sandbox or says plainly why this test cannot prove anything here. */
async function sandboxReady(): Promise<boolean> {
  if (!HAS_BWRAP) {
    console.warn('SKIPPED: /usr/bin/bwrap is not installed, so the server runs no code of its own')
    return false
  }
  const status = await fx.server.running.deps.evidence.settled().then(() => fx.server.running.deps.evidence.status())
  assert.is(status.state, 'ready', `bwrap is installed, so the sandbox must start: ${JSON.stringify(status)}`)
  return true
}

async function open(id: string): Promise<Page> {
  const user = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(user)
  await user.page.goto(`/tasks/${id}`)
  await user.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
  return user.page
}

const row = (page: Page, key: string) => page.locator(`.run-matrix tr[data-subject="${key}"]`)

/** Per subject: the browser's status, the server's verdict, its flags, and how the two compare. */
interface RowView {
  browser: string | null
  server: string
  flags: string | null
  evidence: string | null
  disagree: boolean
}
function matrixView(page: Page): Promise<Record<string, RowView>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.run-matrix tr[data-subject]')].map((tr) => [
        tr.getAttribute('data-subject'),
        {
          browser: tr.getAttribute('data-status'),
          server: tr.querySelector('.run-server .run-status')?.getAttribute('data-verdict') ?? 'none',
          flags: tr.querySelector('.run-server .run-flag')?.getAttribute('aria-label') ?? null,
          evidence: tr.getAttribute('data-evidence'),
          disagree: tr.querySelector('.run-disagree') !== null,
        },
      ]),
    ),
  )
}

test('with nobody running anything, finalize’s server runs fail or flag the cheats in the record and in the lead’s matrix', async () => {
  if (!(await sandboxReady())) return
  const keys: Key[] = ['a', 'p', 'c', 'h', 'e']
  await importTasks(fx.server, taskLine('t1', keys))
  await complete('t1', ['a', 'c', 'p', 'h', 'e'])
  const lead = await open('t1')
  // Nothing has run: no browser run, no server run, and the checks say the server has not run.
  await lead.getByRole('button', { name: 'Run on server' }).waitFor()
  assert.ok(await lead.getByRole('button', { name: 'Run on server' }).isEnabled())
  assert.is(await lead.locator('.run-checks [data-check="evidence"]').getAttribute('data-ok'), 'null')
  for (const v of Object.values(await matrixView(lead))) assert.equal([v.browser, v.server], ['none', 'none'])

  const answered = lead.waitForResponse((r) => r.url().endsWith('/api/tasks/t1/finalize'), { timeout: 120_000 })
  await lead.getByRole('button', { name: 'Finalize', exact: true }).click()
  assert.is((await answered).status(), 200)

  // The record: the server's runs, the honest ones passing, every cheat failing or flagged.
  const exported = await api(fx.server, fx.server.leadToken, 'GET', '/api/export?format=native')
  assert.is(exported.status, 200)
  const record = exported.body
  assert.equal(record.evidence, { source: 'server' })
  const counts = (run: { status: string; flags?: string[] }) => run.status === 'pass' && !run.flags?.length
  for (const k of ['solution', 'a', 'c']) assert.ok(counts(record.runs[k]), `${k} passes unflagged: ${JSON.stringify(record.runs[k])}`)
  for (const k of ['p', 'h', 'e']) assert.not.ok(counts(record.runs[k]), `${k} fails or is flagged: ${JSON.stringify(record.runs[k])}`)
  assert.ok(record.runs.p.flags?.includes('harness'), JSON.stringify(record.runs.p))
  assert.ok(record.runs.e.flags?.includes('eq-override'), JSON.stringify(record.runs.e))
  assert.ok(record.runs.h.flags?.includes('frame-introspection'), JSON.stringify(record.runs.h))

  // The lead's matrix shows the same runs, live: server verdicts, ⚑ with the reason on the flagged ones.
  await lead.waitForFunction(() => document.querySelectorAll('.run-matrix tr[data-server-status="none"]').length === 0, undefined, { timeout: 20_000 })
  const view = await matrixView(lead)
  for (const k of ['solution', 'a', 'c']) assert.equal([view[k].server, view[k].flags], ['pass', null], k)
  for (const k of ['p', 'h', 'e']) {
    const run = record.runs[k]
    const shown = run.status === 'pass' ? 'flagged-pass' : run.status
    assert.is(view[k].server, shown, k)
    if (run.flags?.length) assert.match(view[k].flags ?? '', /^Flagged: /, k)
  }
  assert.match(view.e.flags ?? '', /equals everything.*does not count/)
  // A flagged pass never reads as a plain pass: no ✓ beside it.
  const eText = (await row(lead, 'e').locator('.run-server').textContent()) ?? ''
  assert.not.match(eText, /✓/)
  assert.match(eText, /flagged pass/)
  // With no browser run there is nothing to disagree with.
  assert.ok(Object.values(view).every((v) => v.evidence === 'server-only' && !v.disagree), JSON.stringify(view))
})

test('a browser pass the server fails on the same code and tests is marked as a disagreement; agreement and older server runs are not', async () => {
  if (!(await sandboxReady())) return
  await importTasks(fx.server, JSON.stringify({
    id: 't2',
    prompt: 'Write `add(a, b)`.',
    language: 'python',
    entry_point: 'add',
    candidates: [
      { id: 'a', code: CODE.a },
      { id: 'b', code: 'def add(a, b):\n    return a - b\n' },
    ],
  }))
  const peer = await complete('t2', ['a', 'b'])
  const lead = await open('t2')
  const asked = lead.waitForResponse((r) => r.url().endsWith('/api/tasks/t2/server-runs'), { timeout: 120_000 })
  await lead.getByRole('button', { name: 'Run on server' }).click()
  assert.is((await asked).status(), 200)
  await lead.waitForFunction(() => document.querySelectorAll('.run-matrix tr[data-server-status="none"]').length === 0, undefined, { timeout: 20_000 })

  // A browser reports a pass of b (the server failed it) and of a (the server passed it), same hashes.
  const report = (subject: string, code: string, tests: string) =>
    api(fx.server, fx.server.leadToken, 'POST', '/api/tasks/t2/runs', {
      subject,
      run: {
        status: 'pass', passed: 2, failed: 0, total: 2, duration_ms: 3,
        tests_sha256: sha256Hex(tests), code_sha256: sha256Hex(code),
        cases: [{ name: 'test_small', status: 'pass' }, { name: 'test_big', status: 'pass' }],
      },
    })
  assert.is((await report('b', 'def add(a, b):\n    return a - b\n', TESTS)).status, 200)
  assert.is((await report('a', CODE.a, TESTS)).status, 200)
  await lead.waitForFunction(() => document.querySelector('.run-matrix tr[data-subject="b"]')?.getAttribute('data-evidence') === 'disagree', undefined, { timeout: 10_000 })
  await lead.waitForFunction(() => document.querySelector('.run-matrix tr[data-subject="a"]')?.getAttribute('data-evidence') === 'agree', undefined, { timeout: 10_000 })
  const view = await matrixView(lead)
  assert.equal(view.b, { browser: 'pass', server: 'fail', flags: null, evidence: 'disagree', disagree: true })
  // The control: a and the browser agree, and no mark shows.
  assert.equal(view.a, { browser: 'pass', server: 'pass', flags: null, evidence: 'agree', disagree: false })
  const mark = row(lead, 'b').locator('.run-disagree')
  assert.match((await mark.getAttribute('aria-label')) ?? '', /browser run says pass, the server run says fail on the same code and tests/)
  const check = lead.locator('.run-checks [data-check="evidence"][data-ok="false"]')
  assert.is(await check.count(), 1)
  assert.is(await check.getAttribute('data-subject'), 'b')
  assert.match((await check.textContent()) ?? '', /Browser and server disagree on candidate b/)

  // The tests change and a browser reports b's run of the new tests: the server's run is of older
  // texts, which is said as such and is no disagreement.
  const newTests = `${TESTS}\ndef test_zero():\n    assert add(0, 0) == 0\n`
  const ws = getWorkspace(peer.doc)
  peer.doc.transact(() => ws.tests.insert(ws.tests.length, '\ndef test_zero():\n    assert add(0, 0) == 0\n'))
  await waitForServerDoc(fx.server, roomName.workspace('t2'), (d) => getWorkspace(d).tests.toString() === newTests, 'the new tests on the server')
  assert.is((await report('b', 'def add(a, b):\n    return a - b\n', newTests)).status, 200)
  await lead.waitForFunction(() => document.querySelector('.run-matrix tr[data-subject="b"]')?.getAttribute('data-evidence') === 'server-older', undefined, { timeout: 10_000 })
  assert.is(await row(lead, 'b').locator('.run-disagree').count(), 0)
  assert.match((await row(lead, 'b').locator('.run-server .run-stale').textContent()) ?? '', /older code/)
  assert.is(await lead.locator('.run-checks [data-check="evidence"][data-ok="false"]').count(), 0)
})

test('a request the server refuses is shown to the lead with its reason; one it accepts fills the server column', async () => {
  if (!(await sandboxReady())) return
  await importTasks(fx.server, [JSON.stringify({ id: 'g1', prompt: 'Write `Add`.', language: 'go', candidates: [{ id: 'a', code: 'func Add(a, b int) int { return a + b }' }, { id: 'b', code: 'func Add(a, b int) int { return a - b }' }] }), taskLine('t4', ['a', 'c'])].join('\n'))
  const lead = await open('g1')
  await lead.getByRole('button', { name: 'Run on server' }).click()
  const alert = lead.locator('[data-error="server-runs"]')
  await alert.waitFor({ timeout: 20_000 })
  assert.match((await alert.textContent()) ?? '', /Run on server failed: .*cannot run go/)
  // The control: the same lead, a Python task, no error and the server's runs in the matrix.
  await complete('t4', ['a', 'c'])
  await lead.goto('/tasks/t4')
  await lead.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
  await lead.getByRole('button', { name: 'Run on server' }).click()
  await lead.waitForFunction(() => document.querySelectorAll('.run-matrix tr[data-server-status="pass"]').length === 3, undefined, { timeout: 60_000 })
  assert.is(await lead.locator('[data-error="server-runs"]').count(), 0)
})

test.run()

const offline = suite('browser server evidence without a sandbox')
const off = browserFixture(offline, { config: { sandbox: 'off' } })

offline('without a sandbox the lead is told plainly that the record’s evidence will be browser-reported, and cannot ask the server', async () => {
  await importTasks(off.server, taskLine('t3', ['a', 'c']))
  const user = await newUserPage(off.browser, off.server, off.server.leadToken)
  off.users.push(user)
  const lead = user.page
  await lead.goto('/tasks/t3')
  await lead.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
  const notice = lead.locator('[data-sandbox="unavailable"]')
  await notice.waitFor()
  assert.match((await notice.textContent()) ?? '', /This server cannot run code \(.*SANDBOX=off.*\): the record's evidence will be the browser-reported runs/)
  assert.ok(await lead.getByRole('button', { name: 'Run on server' }).isDisabled())
  // The control: the browser's own "Run tests" stays available to the lead.
  assert.ok(await lead.getByRole('button', { name: 'Run tests', exact: true }).isEnabled())
})

offline.run()
