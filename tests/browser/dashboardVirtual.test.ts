/**
 * The lead's dashboard and the queue at thousands of tasks: a page at a time, only the rows in view
 * in the DOM, more rows as the reader scrolls, filters sent to the server and kept in the URL, the
 * status column live; the workspace's Next task stays in its batch.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { act, completeWorkspace, syncedPeer } from '../helpers/review'
import type { Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'

const test = suite('dashboardVirtual')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

const id = (prefix: string, i: number) => `${prefix}-${String(i).padStart(4, '0')}`
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => id(prefix, i))
const lines = (list: string[]) => list.map((t) => taskLine(t)).join('\n')

const row = (page: Page, taskId: string) => page.locator(`tr[data-task="${taskId}"]`)
const rowCount = (page: Page) => page.locator('tr[data-task]').count()
const statusText = (page: Page) => page.getByRole('group', { name: 'Filters' }).getByRole('status').innerText()

/** Scrolls the task table's own box down by most of a screen, as a reader would. */
const scrollDown = (page: Page) =>
  page.locator('.task-scroll').evaluate((el) => {
    el.scrollTop += el.clientHeight * 0.8
  })

/** Scrolls until `taskId`'s row is rendered, loading pages as the reader would. */
async function scrollUntil(page: Page, taskId: string) {
  await waitFor(
    async () => {
      if ((await row(page, taskId).count()) > 0) return true
      await scrollDown(page)
      return false
    },
    `row ${taskId} to be scrolled in`,
    30_000,
  )
}

test('the dashboard renders a screen of 3,000 tasks, scrolls more in, filters on the server and shows a status change live', async () => {
  const s = fx.server
  await importTasks(s, lines(ids('v', 3000)), 'big')
  await importTasks(s, lines(ids('w', 3)), 'small')
  const ann = await createUser(s, 'Ann Example', 'annotator')
  await assign(s, id('v', 1), [ann.id])

  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead')
  await row(page, id('v', 0)).waitFor({ timeout: 15_000 })
  // Control: the list knows every task; the DOM holds a screen of them.
  assert.match(await statusText(page), /^3003 tasks$/)
  assert.is(await page.getByRole('table', { name: 'All tasks' }).getAttribute('aria-rowcount'), '3004')
  const rendered = await rowCount(page)
  assert.ok(rendered > 0 && rendered < 100, `${rendered} rows in the DOM`)
  assert.is(await row(page, id('v', 0)).getAttribute('aria-rowindex'), '2')
  assert.is(await row(page, id('v', 250)).count(), 0, 'a row of page 3 is not loaded yet')

  // Scrolling loads pages 2 and 3; the DOM still holds only the rows around the view.
  await scrollUntil(page, id('v', 250))
  assert.is(await row(page, id('v', 250)).getAttribute('aria-rowindex'), '252')
  assert.ok((await rowCount(page)) < 100, 'rows scrolled past leave the DOM')
  assert.is(await row(page, id('v', 0)).count(), 0, 'the first row left the DOM')

  // Filters go to the server and into the URL.
  await page.getByLabel('Batch').selectOption('small')
  await waitFor(async () => (await rowCount(page)) === 3, 'the three tasks of batch small')
  assert.match(page.url(), /[?&]batch=small/)
  assert.match(await statusText(page), /^3 tasks$/)
  await page.getByLabel('Batch').selectOption('')
  await page.getByLabel('Search').fill(id('v', 2042))
  await page.getByLabel('Search').press('Enter')
  await waitFor(async () => (await rowCount(page)) === 1 && (await row(page, id('v', 2042)).count()) === 1, 'the one task the search names')
  assert.match(page.url(), /[?&]q=v-2042/)
  await page.getByLabel('Search').fill('')
  await page.getByLabel('Search').press('Enter')
  await row(page, id('v', 1)).waitFor({ timeout: 10_000 })
  assert.not.match(page.url(), /[?&](q|batch)=/)

  // Ann submits v-0001 through the API: its status changes on the page without a reload.
  assert.match(await row(page, id('v', 1)).innerText(), /Open/)
  const peer = await syncedPeer(s, roomName.workspace(id('v', 1)), ann.token, peers)
  await completeWorkspace(s, peer, id('v', 1))
  const res = await act(s, ann.token, id('v', 1), 'submit')
  assert.is(res.status, 200, JSON.stringify(res.body))
  await waitFor(async () => /Submitted/.test(await row(page, id('v', 1)).innerText()), 'v-0001 to show Submitted live', 10_000)
  assert.match(await row(page, id('v', 2)).innerText(), /Open/, 'the other rows keep their status')
  await waitFor(
    async () => /Submitted\s*1/.test(await page.getByRole('group', { name: 'Filter by status' }).innerText()),
    'the Submitted chip to count it',
  )
  assert.equal(lead.errors, [])
})

test('an annotator’s queue of 260 tasks pages in as they scroll and drops a task taken from them, live', async () => {
  const s = fx.server
  const list = ids('q', 260)
  await importTasks(s, lines(list), 'mine')
  await importTasks(s, lines(ids('o', 2)), 'other')
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  for (let i = 0; i < list.length; i += 20) await Promise.all(list.slice(i, i + 20).map((t) => assign(s, t, [ada.id])))

  const user = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(user)
  const page = user.page
  await page.goto('/')
  await row(page, id('q', 0)).waitFor({ timeout: 15_000 })
  assert.match(await statusText(page), /^260 tasks$/)
  assert.is(await row(page, id('o', 0)).count(), 0, 'a task of someone else is not listed')
  assert.ok((await rowCount(page)) < 100, 'only a screen of rows')
  await scrollUntil(page, id('q', 255))

  // The lead takes q-0255 away: it leaves Ada's queue without a reload; its neighbour stays.
  await assign(s, id('q', 255), [])
  await waitFor(async () => (await row(page, id('q', 255)).count()) === 0, 'q-0255 to leave the queue', 10_000)
  assert.is(await row(page, id('q', 254)).count(), 1)
  await waitFor(async () => /^259 tasks$/.test(await statusText(page)), 'the total to follow')

  await page.getByLabel('Search').fill(id('q', 7))
  await page.getByLabel('Search').press('Enter')
  await waitFor(async () => (await rowCount(page)) === 1, 'the searched task alone')
  assert.match(page.url(), /[?&]q=q-0007/)
  assert.equal(user.errors, [])
})

test('the workspace’s Next task leads to the person’s next task in the same batch, never into another', async () => {
  const s = fx.server
  // Imported in this order: n-b1 (another batch) comes between n-a2 and n-a3 in time.
  await importTasks(s, lines(['n-a1', 'n-a2']), 'mine')
  await importTasks(s, lines(['n-b1']), 'another')
  await importTasks(s, lines(['n-a3']), 'mine')
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  for (const t of ['n-a1', 'n-a2', 'n-b1', 'n-a3']) await assign(s, t, [ada.id])

  const user = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(user)
  const page = user.page
  const next = page.locator('a.next-task')
  await page.goto('/tasks/n-a1')
  // Shown before any submit: there is more to do in this batch.
  await next.waitFor({ timeout: 15_000 })
  assert.is(await next.getAttribute('href'), '/tasks/n-a2')
  await next.click()
  await page.waitForURL(/\/tasks\/n-a2$/)
  await waitFor(async () => (await next.count()) === 1 && (await next.getAttribute('href')) !== '/tasks/n-a2', 'the next task after n-a2', 10_000)
  assert.is(await next.getAttribute('href'), '/tasks/n-a3', 'the next task stays in batch mine')
  assert.equal(user.errors, [])
})

test('the sticky header of the dashboard stays above a row’s Assign button scrolled under it', async () => {
  const s = fx.server
  await importTasks(s, lines(ids('z', 60)), 'big')
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead')
  const button = row(page, id('z', 5)).getByRole('button', { name: /^Assign / })
  await button.waitFor({ timeout: 15_000 })
  const head = (await page.locator('.task-scroll thead').boundingBox())!
  const target = (await button.boundingBox())!
  const point = { x: target.x + target.width / 2, y: head.y + head.height / 2 }
  const topmost = () =>
    page.evaluate(({ x, y }) => {
      const el = document.elementFromPoint(x, y)
      return el?.closest('thead') ? 'thead' : (el?.closest('button')?.getAttribute('aria-label') ?? el?.tagName ?? 'nothing')
    }, point)
  assert.is(await topmost(), 'thead', 'control: the header before scrolling')
  // Scroll the button up to exactly the header's middle.
  await page.locator('.task-scroll').evaluate((el, dy) => {
    el.scrollTop += dy
  }, target.y + target.height / 2 - point.y)
  await waitFor(async () => {
    const b = await button.boundingBox()
    return b !== null && Math.abs(b.y + b.height / 2 - point.y) < 2
  }, 'the button under the header')
  assert.is(await topmost(), 'thead', 'the header, not the button, is on top')
  assert.equal(lead.errors, [])
})

test.run()
