/** The presence list: who is here, their role and view, one entry per user, and following. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'
import { roomName } from '../../shared/roomNames'

const presence = suite('presence')

const fx = browserFixture(presence)

const TASK = 'presence-1'

async function adaAndGrace() {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'lead')
  await importTasks(s, taskLine(TASK), 'presence')
  await assign(s, TASK, [ada.id])
  const pages: UserPage[] = []
  for (const token of [ada.token, grace.token]) {
    const u = await newUserPage(fx.browser, s, token)
    fx.users.push(u)
    pages.push(u)
  }
  await Promise.all(pages.map((u) => u.page.goto(`/tasks/${TASK}`)))
  return pages
}

const here = (page: Page) => page.getByRole('list', { name: 'Here now' })
const person = (page: Page, name: string) => here(page).locator('li', { hasText: name })

async function waitForText(page: Page, name: string, text: string) {
  await waitFor(
    async () => (await person(page, name).innerText().catch(() => '')).includes(text),
    `${name}'s entry to say "${text}" (last: ${JSON.stringify(await person(page, name).innerText().catch(() => ''))})`,
    10_000,
  )
}

/** What the page has focused: a ranking item's candidate, or a rubric cell's name. */
const focusedWhere = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return el?.dataset.candidate ? `ranking:${el.dataset.candidate}` : (el?.getAttribute('aria-label') ?? el?.tagName ?? null)
  })

presence('shows who is here with role and view, each user once, yourself marked', async () => {
  const [a, b] = await adaAndGrace()
  await waitForText(a.page, 'Grace Hopper', 'lead')
  await waitForText(b.page, 'Ada Lovelace', 'annotator')
  assert.match(await person(a.page, 'Ada Lovelace').innerText(), /\(you\)/)
  assert.is(await here(a.page).getByRole('button', { name: 'Follow Ada Lovelace' }).count(), 0, 'no following yourself')

  await b.page.getByRole('gridcell', { name: 'Efficiency for candidate b' }).focus()
  await waitForText(a.page, 'Grace Hopper', 'Rubric, candidate b')
  await b.page.getByRole('list', { name: 'Unranked' }).locator('[data-candidate="c"]').focus()
  await waitForText(a.page, 'Grace Hopper', 'Ranking')
  await b.page.getByRole('textbox', { name: 'Explanation' }).click()
  await waitForText(a.page, 'Grace Hopper', 'Explanation')

  // A second tab of Grace's is still one Grace.
  const tab = await b.context.newPage()
  tab.on('pageerror', (err) => b.errors.push(`second tab: ${err.message}`))
  await tab.goto(`/tasks/${TASK}`)
  await here(tab).getByText('Ada Lovelace').waitFor({ timeout: 10_000 })
  // Once the server holds both of Grace's states, it has relayed the tab's to Ada; an edit made
  // after that reaches Ada behind it, so when Ada's document has the edit, she has both states.
  const room = fx.server.running.deps.rooms.peek(roomName.workspace(TASK))!
  const graceStates = () => [...room.awareness.getStates().values()].filter((st) => (st.user as { name?: string } | undefined)?.name === 'Grace Hopper').length
  await waitFor(() => graceStates() === 2, 'both of Grace’s states at the server')
  await b.page.keyboard.type('!')
  const explanationAtAda = () =>
    a.page.evaluate((name) => window.__codejury?.docs.get(name)?.getText('explanation').toString() ?? '', roomName.workspace(TASK))
  await waitFor(async () => (await explanationAtAda()).includes('!'), 'Grace’s later edit at Ada')
  assert.is(await person(a.page, 'Grace Hopper').count(), 1, 'one entry for two tabs')
  await tab.close()

  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

presence('following someone moves my view with theirs until I stop or navigate myself', async () => {
  const [a, b] = await adaAndGrace()
  const follow = here(a.page).getByRole('button', { name: 'Follow Grace Hopper' })
  await follow.click()
  await a.page.getByRole('status').filter({ hasText: 'Following Grace Hopper' }).waitFor()
  assert.is(await follow.getAttribute('aria-pressed'), 'true')

  await b.page.getByRole('list', { name: 'Unranked' }).locator('[data-candidate="b"]').focus()
  await waitFor(async () => String(await focusedWhere(a.page)).startsWith('ranking:'), 'Ada\'s focus to reach the ranking', 10_000)
  await waitForText(b.page, 'Ada Lovelace', 'Ranking') // and Ada's published view follows too

  await b.page.getByRole('gridcell', { name: 'Correctness for candidate c' }).focus()
  await waitFor(async () => (await focusedWhere(a.page)) === 'Correctness for candidate c', 'Ada\'s focus to reach candidate c\'s scores', 10_000)
  await waitForText(b.page, 'Ada Lovelace', 'Rubric, candidate c')

  await a.page.getByRole('button', { name: 'Stop following' }).click()
  assert.is(await follow.getAttribute('aria-pressed'), 'false')
  await b.page.getByRole('gridcell', { name: 'Correctness for candidate a' }).focus()
  await waitForText(a.page, 'Grace Hopper', 'Rubric, candidate a')
  assert.not.equal(await focusedWhere(a.page), 'Correctness for candidate a', 'no longer following')

  // Following again, then a click of my own ends it.
  await follow.click()
  await a.page.getByRole('status').filter({ hasText: 'Following Grace Hopper' }).waitFor()
  await a.page.getByRole('list', { name: 'Unranked' }).locator('[data-candidate="a"]').click()
  await a.page.getByRole('status').filter({ hasText: 'Following Grace Hopper' }).waitFor({ state: 'detached' })
  assert.is(await follow.getAttribute('aria-pressed'), 'false')

  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

presence.run()
