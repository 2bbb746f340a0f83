/**
 * Two codejury processes on one PostgreSQL and one Redis (STORAGE=postgres), each serving the
 * built app, and two people in real browsers on different instances: the "Done when" of running
 * past one machine as a lead and an annotator see it, down to kill -9 of the lead's instance.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import type { Browser, Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { getWorkspace, WorkspaceRoot } from '../../shared/schema'
import { spawnServer } from '../helpers/child'
import type { ChildServer } from '../helpers/child'
import { createTestDatabase } from '../helpers/postgres'
import type { TestDatabase } from '../helpers/postgres'
import { REDIS_URL, deleteKeys, requireRedis, uniquePrefix } from '../helpers/redis'
import { api, taskLine } from '../helpers/server'
import { connectPeer } from '../helpers/peer'
import type { Peer } from '../helpers/peer'
import { CANDIDATES, CRITERIA } from '../helpers/review'
import { launchBrowser, newUserPage, readText, waitForText } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'

const test = suite('scale-out in browsers: two instances, two people')

const CLIENT_DIR = path.resolve(import.meta.dirname, '../../client/dist')

let db: TestDatabase | null = null
let prefix = ''
let root = ''
let browser: Browser | null = null
const children: ChildServer[] = []
const users: UserPage[] = []
const peers: Peer[] = []

test.before.each(async () => {
  assert.ok(fs.existsSync(path.join(CLIENT_DIR, 'index.html')), 'the client is built (npm run build)')
  await requireRedis()
  db = await createTestDatabase()
  prefix = uniquePrefix('scale-out-browser')
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'codejury-scale-browser-'))
  browser = await launchBrowser()
})

test.after.each(async () => {
  for (const p of peers.splice(0)) p.destroy()
  await Promise.allSettled(users.splice(0).map((u) => u.close()))
  await browser?.close()
  browser = null
  for (const child of children.splice(0)) {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL')
    await child.exited
  }
  await db?.drop()
  db = null
  await deleteKeys(prefix)
  fs.rmSync(root, { recursive: true, force: true })
})

/** One instance: its own port and DATA_DIR, the shared engines and record key, the built client. */
async function instance(name: string): Promise<ChildServer> {
  const child = await spawnServer(path.join(root, name), {
    STORAGE: 'postgres',
    DATABASE_URL: db!.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    RECORD_KEY_FILE: path.join(root, 'record-key.pem'),
    CLIENT_DIR,
  })
  children.push(child)
  return child
}

async function signIn(server: ChildServer, token: string): Promise<UserPage> {
  const user = await newUserPage(browser!, server, token)
  users.push(user)
  return user
}

/** What the page's sync status says; `state` is its data-state (connected, offline, connecting…). */
function syncState(page: Page, state: RegExp, timeout = 15_000) {
  return page.waitForFunction(
    (re) => new RegExp(re).test(document.querySelector('[data-testid="sync-status"]')?.getAttribute('data-state') ?? ''),
    state.source,
    { timeout },
  )
}

async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Explanation', exact: true }).click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
}

const here = (page: Page) => page.getByRole('list', { name: 'Here now' })

/**
 * Waits until the page's "Here now" list names `name` (or no longer does); fails with what the list
 * showed (the shown names only). Someone already in the room when it loads on the other instance
 * shows there by that instance's presence query, not at their client's 15 s renewal.
 */
async function present(page: Page, name: string, state: 'visible' | 'detached' = 'visible'): Promise<void> {
  try {
    await here(page).locator('.person-name').getByText(name, { exact: true }).waitFor({ state, timeout: 10_000 })
  } catch (err) {
    const shown = await here(page).innerText({ timeout: 1_000 }).catch(() => '(no list)')
    throw new Error(`"Here now" never ${state === 'visible' ? 'showed' : 'dropped'} ${name}; it shows: ${JSON.stringify(shown)}`, { cause: err })
  }
}
const caret = { state: 'attached', timeout: 10_000 } as const

/** Ranks and scores every candidate and writes Solution and Tests through `p`, leaving Explanation as typed. */
function fillTheRest(p: Peer): void {
  const ws = getWorkspace(p.doc)
  p.doc.transact(() => {
    ws.ranking.push(['a', 'c', 'b'])
    for (const cand of CANDIDATES) {
      const row = new Y.Map<number>()
      ws.ratings.set(cand, row)
      for (const k of CRITERIA) row.set(k, cand === 'b' ? 1 : 4)
    }
    ws.solution.insert(0, 'def add(a, b):\n    return a + b\n')
    ws.tests.insert(0, 'def test_add():\n    assert add(1, 2) == 3\n')
  })
}

test('a lead on one instance and an annotator on another co-edit live; after kill -9 of the lead\'s instance the other shows everything and finalizes it', async () => {
  const started = Date.now()
  const mark = (what: string) => console.log(`  ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const a = await instance('a')
  const b = await instance('b')
  const lead = a.leadToken
  assert.ok(lead, 'the first instance made the lead')
  mark('two instances up')

  const imported = await api(a, lead, 'POST', '/api/tasks/import?batch=scale&blind=0', taskLine('t1'), 'application/x-ndjson')
  assert.is(imported.status, 200, JSON.stringify(imported.body))
  const ann = await api(b, lead, 'POST', '/api/users', { name: 'Ann Annotator', role: 'annotator' })
  assert.is(ann.status, 201, JSON.stringify(ann.body))
  await waitFor(async () => (await api(a, lead, 'POST', '/api/tasks/t1/assign', { userIds: [ann.body.id] })).status === 200, 'the user made on B to be assignable on A')

  const room = roomName.workspace('t1')
  const text = WorkspaceRoot.explanation
  const leadUser = await signIn(a, lead)
  const annUser = await signIn(b, ann.body.token)
  await Promise.all([leadUser.page.goto('/tasks/t1'), annUser.page.goto('/tasks/t1')])
  await syncState(leadUser.page, /^connected$/)
  await syncState(annUser.page, /^connected$/)
  mark('both pages open and connected')

  // Each sees the other, though their sockets are on different processes.
  await present(leadUser.page, 'Ann Annotator')
  await present(annUser.page, 'Lead')

  await typeAtEnd(annUser.page, 'Ann on B. ')
  await waitForText(leadUser.page, room, text, ['Ann on B.'])
  await typeAtEnd(leadUser.page, 'Lead on A. ')
  await waitForText(annUser.page, room, text, ['Ann on B.', 'Lead on A.'])
  await leadUser.page.locator('.cm-ySelectionInfo', { hasText: 'Ann Annotator' }).waitFor(caret)
  await annUser.page.locator('.cm-ySelectionInfo', { hasText: 'Lead' }).waitFor(caret)
  mark('edits, presence and carets crossed both ways')

  // Instance A dies. The lead's page says it lost the server; Ann, on B, keeps working.
  a.proc.kill('SIGKILL')
  await a.exited
  await syncState(leadUser.page, /^(offline|connecting)$/)
  await syncState(annUser.page, /^connected$/, 1_000)
  await typeAtEnd(annUser.page, 'Ann while A is down.')
  assert.not.ok((await readText(leadUser.page, room, text))?.includes('while A is down'), "control: the lead's page is really cut off")
  mark('A killed, lead offline, Ann typed on')

  // A proxy would now send the lead to B; the session lives in PostgreSQL, so her cookie works there.
  await leadUser.page.goto(`${b.url}/tasks/t1`)
  await syncState(leadUser.page, /^connected$/)
  const all = ['Ann on B.', 'Lead on A.', 'Ann while A is down.']
  await waitForText(leadUser.page, room, text, all)
  await present(leadUser.page, 'Ann Annotator')
  await present(annUser.page, 'Lead')
  await typeAtEnd(leadUser.page, ' Lead on B.')
  await waitForText(annUser.page, room, text, [...all, 'Lead on B.'])
  mark('lead reloaded on B and sees everything')

  // The rest of the workspace through a stock client on B, then the lead finalizes on B's page.
  const filler = connectPeer(b.wsUrl, room, lead)
  peers.push(filler)
  await waitFor(() => filler.provider.synced, 'the filler synced on B')
  fillTheRest(filler)
  await leadUser.page.waitForFunction(
    (room) => (window.__codejury?.docs.get(room)?.getArray('ranking').length ?? 0) === 3,
    room,
    { timeout: 10_000 },
  )
  filler.destroy()
  const expected = await readText(leadUser.page, room, text)
  assert.is(expected, await readText(annUser.page, room, text), 'both pages hold the same text')
  const finalized = leadUser.page.waitForResponse((r) => r.url().endsWith('/api/tasks/t1/finalize'))
  await leadUser.page.getByRole('button', { name: 'Finalize', exact: true }).click()
  const res = await finalized
  assert.is(res.status(), 200, await res.text())
  await leadUser.page.locator('.ws-bar .badge', { hasText: 'Finalized' }).waitFor({ timeout: 10_000 })
  await annUser.page.getByRole('textbox', { name: 'Explanation', exact: true }).and(annUser.page.locator('[aria-readonly="true"]')).waitFor({ timeout: 10_000 })
  mark('finalized on B')

  const exported = await fetch(`${b.url}/api/export?format=native`, { headers: { authorization: `Bearer ${lead}` } })
  const body = await exported.text()
  assert.is(exported.status, 200, body)
  const record = body.trim().split('\n').map((l) => JSON.parse(l)).find((r) => r.task_id === 't1' || r.taskId === 't1' || r.id === 't1')
  assert.ok(record, `a record of t1 in the export:\n${body.slice(0, 500)}`)
  assert.ok(JSON.stringify(record).includes(JSON.stringify(expected).slice(1, -1)), 'the export carries the explanation the pages showed')
  for (const part of [...all, 'Lead on B.']) assert.ok(body.includes(part), `the export carries ${JSON.stringify(part)}`)

  assert.equal(leadUser.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e)), [], "console errors in the lead's page")
  assert.equal(annUser.errors, [], "console errors in Ann's page")
  mark('done')
})

test.run()
