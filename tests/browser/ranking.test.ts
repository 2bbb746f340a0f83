/**
 * Two annotators place candidates from the "Unranked" pool into the "Ranking" list and reorder
 * them, by mouse and keyboard, alone and at the same time.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Locator, Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { api, assign, createUser, importTasks, taskLine } from '../helpers/server'
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
  for (const u of pages) await waitForOrder(u.page, [], ['a', 'b', 'c'])
  return pages
}

/** Places every candidate in the import order with Enter, as a keyboard user would. */
async function placeAll(page: Page) {
  await poolItem(page, 'a').focus()
  for (let i = 0; i < 3; i++) await page.keyboard.press('Enter')
  await waitForOrder(page, ['a', 'b', 'c'], [])
}

const list = (page: Page) => page.getByRole('list', { name: 'Ranking' })
const pool = (page: Page) => page.getByRole('list', { name: 'Unranked' })
const item = (page: Page, id: string) => list(page).locator(`[data-candidate="${id}"]`)
const poolItem = (page: Page, id: string) => pool(page).locator(`[data-candidate="${id}"]`)
const said = (page: Page) => page.locator('.ranking-panel [aria-live="polite"]').innerText()

/** The candidate ids in DOM order of a list. */
const idsIn = (list: ReturnType<Page['getByRole']>) =>
  list.locator('[data-candidate]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.candidate!))
const domOrder = (page: Page) => idsIn(list(page))

/**
 * The ranking as docs/protocol.md#rooms-and-roots reads it: the first copy of each id. Two concurrent moves of one candidate
 * leave a second copy in the array until its next move (shared/ranking.ts), which readers skip.
 */
const yOrder = (page: Page) =>
  page.evaluate((room) => {
    const items = window.__codejury?.docs.get(room)?.getArray<string>('ranking').toArray()
    return items ? [...new Set(items)] : null
  }, ROOM)

/** Waits until the Ranking list and the Y.Array show `expected` (and the pool `unranked`, if given). */
async function waitForOrder(page: Page, expected: string[], unranked?: string[]) {
  const want = JSON.stringify(expected)
  const wantPool = JSON.stringify(unranked)
  await waitFor(
    async () =>
      JSON.stringify(await domOrder(page)) === want &&
      JSON.stringify(await yOrder(page)) === want &&
      (unranked === undefined || JSON.stringify(await idsIn(pool(page))) === wantPool),
    `Ranking ${want}, Unranked ${wantPool} (last DOM ${JSON.stringify(await domOrder(page).catch(() => null))}, ` +
      `Y ${JSON.stringify(await yOrder(page).catch(() => null))}, ` +
      `pool ${JSON.stringify(await idsIn(pool(page)).catch(() => null))})`,
    10_000,
  )
}

const focusedCandidate = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.candidate ?? null)

ranking('starts unranked and places candidates with Enter, the import order counting as ranked', async () => {
  const [a, b] = await twoAnnotators()
  assert.match(await a.page.getByTestId('ranking-count').innerText(), /0 of 3 placed/)
  await poolItem(a.page, 'a').focus()
  await a.page.keyboard.press('Enter')
  await waitForOrder(a.page, ['a'], ['b', 'c'])
  assert.is(await said(a.page), 'Candidate a placed at position 1 of 1.')
  assert.is(await focusedCandidate(a.page), 'b', 'focus stays in the pool, on the next candidate')
  await waitForOrder(b.page, ['a'], ['b', 'c'])
  await a.page.keyboard.press('Enter')
  await a.page.keyboard.press('Enter')
  await waitForOrder(a.page, ['a', 'b', 'c'], [])
  assert.is(await focusedCandidate(a.page), 'c', 'with the pool empty, focus follows the last one placed')
  await waitForOrder(b.page, ['a', 'b', 'c'], [])
  assert.match(await b.page.getByTestId('ranking-count').innerText(), /All 3 ranked/)
  await waitFor(async () => {
    const task = (await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks[0]
    return task.progress?.ranked === true
  }, 'the queue to count the chosen import order as ranked', 10_000)
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

ranking('takes a candidate out with Delete and back into the pool for both', async () => {
  const [a, b] = await twoAnnotators()
  await placeAll(a.page)
  await item(a.page, 'b').focus()
  await a.page.keyboard.press('Delete')
  await waitForOrder(a.page, ['a', 'c'], ['b'])
  assert.is(await said(a.page), 'Candidate b taken out of the ranking; 1 unranked.')
  assert.is(await focusedCandidate(a.page), 'c', 'focus moves to the next placed candidate')
  await waitForOrder(b.page, ['a', 'c'], ['b'])
  await a.page.keyboard.press('Delete')
  await a.page.keyboard.press('Delete')
  await waitForOrder(b.page, [], ['a', 'b', 'c'])
  assert.is(await focusedCandidate(a.page), 'a', 'with the ranking empty, focus follows into the pool')
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

ranking('reorders by keyboard, keeps focus on the moved item and converges for both', async () => {
  const [a, b] = await twoAnnotators()
  await placeAll(a.page)
  await item(a.page, 'c').focus()
  await a.page.keyboard.press('Alt+ArrowUp')
  await a.page.keyboard.press('Alt+ArrowUp')
  await waitForOrder(a.page, ['c', 'a', 'b'])
  assert.is(await focusedCandidate(a.page), 'c', 'focus stays on the moved candidate')
  assert.is(await said(a.page), 'Candidate c moved to position 1 of 3.')
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

ranking('places, reorders and unplaces by mouse drag, and the other annotator sees each change', async () => {
  const [a, b] = await twoAnnotators()
  await dragTo(b.page, poolItem(b.page, 'b'), list(b.page))
  await waitForOrder(b.page, ['b'], ['a', 'c'])
  await waitForOrder(a.page, ['b'], ['a', 'c'])
  await dragTo(a.page, poolItem(a.page, 'c'), item(a.page, 'b'), 0.85)
  await waitForOrder(a.page, ['b', 'c'], ['a'])
  await dragTo(a.page, poolItem(a.page, 'a'), item(a.page, 'c'), 0.15)
  await waitForOrder(a.page, ['b', 'a', 'c'], [])
  await waitForOrder(b.page, ['b', 'a', 'c'], [])
  await dragOnto(b.page, 'b', 'c')
  await waitForOrder(b.page, ['a', 'c', 'b'])
  await waitForOrder(a.page, ['a', 'c', 'b'])
  await dragTo(a.page, item(a.page, 'c'), pool(a.page))
  await waitForOrder(a.page, ['a', 'b'], ['c'])
  await waitForOrder(b.page, ['a', 'b'], ['c'])
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

/** Drags placed candidate `id` with the mouse and drops it over the centre of placed `onto`. */
const dragOnto = (page: Page, id: string, onto: string) => dragTo(page, item(page, id), item(page, onto))

/** Drags `source` with the mouse and drops it over `target`, `fy` of the way down its height. */
async function dragTo(page: Page, source: Locator, target: Locator, fy = 0.5) {
  // Below 1500px the ranking sits under the editors in a scrolling column: scroll to it first,
  // as a person would.
  await source.scrollIntoViewIfNeeded()
  const from = (await source.boundingBox())!
  const to = (await target.boundingBox())!
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
  await page.mouse.down()
  const dy = to.y + to.height * fy - (from.y + from.height / 2)
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 + Math.sign(dy) * 15, { steps: 3 })
  await page.mouse.move(to.x + to.width / 2, to.y + to.height * fy, { steps: 10 })
  await page.mouse.up()
}

ranking('converges with no candidate lost or shown twice when both reorder at once', async () => {
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
    // Only the workspace room's socket: the page also opens others (comments, meta).
    await u.page.routeWebSocket(/\/ws\/task%3A[A-Za-z0-9_-]+(\?|$)/, (ws) => {
      const upstream = ws.connectToServer()
      send = (m) => upstream.send(m)
      ws.onMessage((m) => (queue ? queue.push(m) : upstream.send(m)))
    })
  })

  await placeAll(a.page)
  await waitForOrder(b.page, ['a', 'b', 'c'], [])
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
  assert.is(final.length, 3, `every candidate once: ${JSON.stringify(final)}`)
  assert.equal(await domOrder(a.page), final, 'the Ranking list shows each candidate once')
  await waitForOrder(a.page, final)
  await waitForOrder(b.page, final)
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

ranking('leaves the ranking alone for a reviewer, who is told it is read-only', async () => {
  const [a] = await twoAnnotators()
  await poolItem(a.page, 'a').focus()
  await a.page.keyboard.press('Enter')
  await a.page.keyboard.press('Enter')
  await waitForOrder(a.page, ['a', 'b'], ['c'])
  const reviewer = await createUser(fx.server, 'Rita Reviewer', 'reviewer')
  const r = await newUserPage(fx.browser, fx.server, reviewer.token)
  fx.users.push(r)
  await r.page.goto(`/tasks/${TASK}`)
  await waitForOrder(r.page, ['a', 'b'], ['c'])
  await poolItem(r.page, 'c').focus()
  await r.page.keyboard.press('Enter')
  assert.is(await said(r.page), 'The ranking is read-only for you.', 'Enter in the pool is refused')
  await item(r.page, 'a').focus()
  await r.page.keyboard.press('Delete')
  await r.page.keyboard.press('Alt+ArrowDown')
  await dragOnto(r.page, 'a', 'b')
  await dragTo(r.page, poolItem(r.page, 'c'), list(r.page))
  assert.is(await said(r.page), 'The ranking is read-only for you.')
  assert.equal(await yOrder(r.page), ['a', 'b'], 'nothing the reviewer did reached the document')
  await item(a.page, 'b').focus()
  await a.page.keyboard.press('Alt+ArrowUp')
  await waitForOrder(r.page, ['b', 'a'], ['c']) // and still sees others' moves live
  assert.equal(r.errors, [], 'console errors in the reviewer\'s page')
})

ranking.run()
