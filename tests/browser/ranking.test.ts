/** Two annotators reorder the "Ranking" list by mouse and keyboard, alone and at the same time. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'

const ranking = suite('ranking')

const fx = browserFixture(ranking)

const TASK = 'rank-1'
const ROOM = roomName.workspace(TASK)

/** Ada and Grace, each in their own browser context; `beforeOpen` runs before the task loads. */
async function twoAnnotators(beforeOpen?: (u: UserPage) => Promise<void>) {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  await importTasks(s, taskLine(TASK), 'ranking')
  await assign(s, TASK, [ada.id, grace.id])
  const pages: UserPage[] = []
  for (const token of [ada.token, grace.token]) {
    const u = await newUserPage(fx.browser, s, token)
    fx.users.push(u)
    pages.push(u)
    await beforeOpen?.(u)
  }
  await Promise.all(pages.map((u) => u.page.goto(`/tasks/${TASK}`)))
  for (const u of pages) await waitForOrder(u.page, ['a', 'b', 'c'])
  return pages
}

const list = (page: Page) => page.getByRole('list', { name: 'Ranking' })
const item = (page: Page, id: string) => list(page).locator(`[data-candidate="${id}"]`)

/** The candidate ids in DOM order of the "Ranking" list. */
const domOrder = (page: Page) =>
  list(page).locator('[data-candidate]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.candidate!))

/** The `ranking` Y.Array of the open workspace document. */
const yOrder = (page: Page) =>
  page.evaluate((room) => window.__codejury?.docs.get(room)?.getArray<string>('ranking').toArray() ?? null, ROOM)

async function waitForOrder(page: Page, expected: string[]) {
  const want = JSON.stringify(expected)
  await waitFor(
    async () => JSON.stringify(await domOrder(page)) === want && JSON.stringify(await yOrder(page)) === want,
    `Ranking ${want} (last DOM ${JSON.stringify(await domOrder(page).catch(() => null))}, ` +
      `Y ${JSON.stringify(await yOrder(page).catch(() => null))})`,
    10_000,
  )
}

const focusedCandidate = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.candidate ?? null)

ranking('reorders by keyboard, keeps focus on the moved item and converges for both', async () => {
  const [a, b] = await twoAnnotators()
  await item(a.page, 'c').focus()
  await a.page.keyboard.press('Alt+ArrowUp')
  await a.page.keyboard.press('Alt+ArrowUp')
  await waitForOrder(a.page, ['c', 'a', 'b'])
  assert.is(await focusedCandidate(a.page), 'c', 'focus stays on the moved candidate')
  const live = a.page.locator('.ranking-panel [aria-live="polite"]')
  assert.is(await live.innerText(), 'Candidate c moved to position 1 of 3.')
  await waitForOrder(b.page, ['c', 'a', 'b'])

  // Plain arrows move focus without moving anything; Alt+↓ at the bottom does nothing.
  await a.page.keyboard.press('ArrowDown')
  await a.page.keyboard.press('ArrowDown')
  assert.is(await focusedCandidate(a.page), 'b')
  await a.page.keyboard.press('Alt+ArrowDown')
  await a.page.keyboard.press('Alt+ArrowUp')
  await waitForOrder(b.page, ['c', 'b', 'a'])
  assert.is(await focusedCandidate(a.page), 'b')

  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

ranking('reorders by mouse drag and the other annotator sees the new order', async () => {
  const [a, b] = await twoAnnotators()
  await dragOnto(b.page, 'a', 'c')
  await waitForOrder(b.page, ['b', 'c', 'a'])
  await waitForOrder(a.page, ['b', 'c', 'a'])
  await dragOnto(a.page, 'c', 'b')
  await waitForOrder(a.page, ['c', 'b', 'a'])
  await waitForOrder(b.page, ['c', 'b', 'a'])
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

/** Drags candidate `id` with the mouse and drops it over the centre of candidate `onto`. */
async function dragOnto(page: Page, id: string, onto: string) {
  const from = (await item(page, id).boundingBox())!
  const to = (await item(page, onto).boundingBox())!
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
  await page.mouse.down()
  const dy = to.y + to.height / 2 - (from.y + from.height / 2)
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 + Math.sign(dy) * 15, { steps: 3 })
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 })
  await page.mouse.up()
}

ranking('converges with no candidate lost or duplicated when both reorder at once', async () => {
  // Each page's outgoing frames can be held, so both moves are made before either is sent.
  const held: { release: () => void; hold: () => void }[] = []
  const [a, b] = await twoAnnotators(async (u) => {
    let queue: (string | Buffer)[] | null = null
    let send: (m: string | Buffer) => void = () => {}
    held.push({
      hold: () => (queue = []),
      release: () => {
        const pending = queue ?? []
        queue = null
        pending.forEach((m) => send(m))
      },
    })
    // Only the workspace room's socket: the page also opens others (the meta room).
    await u.page.routeWebSocket(/\/ws\/task%3A[A-Za-z0-9_-]+(\?|$)/, (ws) => {
      const upstream = ws.connectToServer()
      send = (m) => upstream.send(m)
      ws.onMessage((m) => (queue ? queue.push(m) : upstream.send(m)))
    })
  })

  held.forEach((h) => h.hold())
  await item(a.page, 'a').focus()
  await a.page.keyboard.press('Alt+ArrowDown')
  await a.page.keyboard.press('Alt+ArrowDown')
  await item(b.page, 'a').focus()
  await b.page.keyboard.press('Alt+ArrowDown')
  await item(b.page, 'c').focus()
  await b.page.keyboard.press('Alt+ArrowUp')
  await b.page.keyboard.press('Alt+ArrowUp')
  assert.equal(await yOrder(a.page), ['b', 'c', 'a'], 'Ada\'s moves, not yet sent')
  assert.equal(await yOrder(b.page), ['c', 'b', 'a'], 'Grace\'s moves, not yet sent')
  held.forEach((h) => h.release())

  await waitFor(async () => {
    const [x, y] = [await yOrder(a.page), await yOrder(b.page)]
    return JSON.stringify(x) === JSON.stringify(y) && [...(x ?? [])].sort().join() === 'a,b,c'
  }, 'both documents to hold the same permutation of a, b, c', 10_000)
  const final = (await yOrder(a.page))!
  assert.is(final.length, 3, `no duplicate left: ${JSON.stringify(final)}`)
  await waitForOrder(a.page, final)
  await waitForOrder(b.page, final)
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

ranking('leaves the ranking alone for a reviewer, who is told it is read-only', async () => {
  const [a] = await twoAnnotators()
  const reviewer = await createUser(fx.server, 'Rita Reviewer', 'reviewer')
  const r = await newUserPage(fx.browser, fx.server, reviewer.token)
  fx.users.push(r)
  await r.page.goto(`/tasks/${TASK}`)
  await waitForOrder(r.page, ['a', 'b', 'c'])
  await item(r.page, 'c').focus()
  await r.page.keyboard.press('Alt+ArrowUp')
  await dragOnto(r.page, 'a', 'c')
  assert.is(await r.page.locator('.ranking-panel [aria-live="polite"]').innerText(), 'The ranking is read-only for you.')
  await item(a.page, 'b').focus()
  await a.page.keyboard.press('Alt+ArrowUp')
  await waitForOrder(r.page, ['b', 'a', 'c']) // and still sees others' moves live
  assert.equal(r.errors, [], 'console errors in the reviewer\'s page')
})

ranking.run()
