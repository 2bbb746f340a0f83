/** Two annotators score the rubric from the keyboard; each sees the other's scores live. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'

const rubric = suite('rubric')

const fx = browserFixture(rubric)

const TASK = 'rubric-1'
const ROOM = roomName.workspace(TASK)

async function twoAnnotators() {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  await importTasks(s, taskLine(TASK), 'rubric') // the default rubric: three 1–5 criteria
  await assign(s, TASK, [ada.id, grace.id])
  const pages: UserPage[] = []
  for (const token of [ada.token, grace.token]) {
    const u = await newUserPage(fx.browser, s, token)
    fx.users.push(u)
    pages.push(u)
  }
  await Promise.all(pages.map((u) => u.page.goto(`/tasks/${TASK}`)))
  for (const u of pages) await cell(u.page, 'Correctness', 'a').waitFor({ timeout: 10_000 })
  return pages
}

const cell = (page: Page, criterion: string, candidate: string) =>
  page.getByRole('gridcell', { name: `${criterion} for candidate ${candidate}`, exact: true })

/** A score in the open workspace document, read from `ratings` → candidate → criterion. */
const yScore = (page: Page, candidate: string, criterion: string) =>
  page.evaluate(
    ([room, candidate, criterion]) => {
      const map = window.__codejury?.docs.get(room)?.getMap<any>('ratings').get(candidate)
      return map?.get(criterion) ?? null
    },
    [ROOM, candidate, criterion] as const,
  )

async function waitForScore(page: Page, candidate: string, criterion: string, want: number | null) {
  await waitFor(async () => (await yScore(page, candidate, criterion)) === want, `${criterion} of ${candidate} = ${want}`, 10_000)
}

const focusedName = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null)

rubric('sets, moves between and clears scores by keyboard, synced to the other annotator', async () => {
  const [a, b] = await twoAnnotators()
  await cell(a.page, 'Correctness', 'b').focus()
  await a.page.keyboard.press('4')
  await waitForScore(b.page, 'b', 'correctness', 4)
  await waitFor(async () => (await cell(b.page, 'Correctness', 'b').innerText()).startsWith('4'), 'Grace\'s cell to show 4')

  await a.page.keyboard.press('ArrowRight')
  assert.is(await focusedName(a.page), 'Efficiency for candidate b')
  await a.page.keyboard.press('2')
  await a.page.keyboard.press('ArrowDown')
  assert.is(await focusedName(a.page), 'Efficiency for candidate c')
  await a.page.keyboard.press('9') // off the 1–5 scale: refused
  await a.page.keyboard.press('End')
  assert.is(await focusedName(a.page), 'Readability for candidate c')
  await a.page.keyboard.press('5')
  await waitForScore(b.page, 'b', 'efficiency', 2)
  await waitForScore(b.page, 'c', 'readability', 5)
  assert.is(await yScore(b.page, 'c', 'efficiency'), null, 'a key off the scale writes nothing')
  assert.match(await a.page.locator('.rubric-panel [aria-live="polite"]').innerText(), /Readability: 5 of 5/)

  // Grace clears Ada's score; Ada sees it go.
  await cell(b.page, 'Correctness', 'b').focus()
  await b.page.keyboard.press('Backspace')
  await waitForScore(a.page, 'b', 'correctness', null)
  await waitFor(async () => (await cell(a.page, 'Correctness', 'b').innerText()).startsWith('–'), 'Ada\'s cell to clear')

  // The grid is one tab stop: the focused cell is the only one with tabindex 0.
  assert.is(await b.page.locator('[role="gridcell"][tabindex="0"]').count(), 1)
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

rubric('shows each criterion\'s description on focus and on hover', async () => {
  const [a] = await twoAnnotators()
  const page = a.page
  const description = 'Is it clear, idiomatic and easy to maintain?'
  const tip = page.getByRole('tooltip').filter({ hasText: description })
  assert.is(await tip.isVisible(), false, 'hidden until asked for')

  await cell(page, 'Readability', 'a').focus()
  await tip.waitFor({ state: 'visible' })
  const describedBy = (await cell(page, 'Readability', 'a').getAttribute('aria-describedby')) ?? ''
  const tipId = await tip.getAttribute('id')
  assert.ok(tipId && describedBy.split(' ').includes(tipId), 'the cell is described by the tooltip')

  await page.getByRole('gridcell', { name: 'Correctness for candidate a' }).focus()
  await tip.waitFor({ state: 'hidden' })
  await page.getByRole('columnheader', { name: 'Readability' }).hover()
  await tip.waitFor({ state: 'visible' })
  assert.equal(a.errors, [], 'console errors')
})

rubric('sets a score with the mouse through the picker under the grid', async () => {
  const [a, b] = await twoAnnotators()
  await cell(a.page, 'Efficiency', 'c').click()
  await a.page.locator('.rubric-picks button', { hasText: /^3$/ }).click()
  await waitForScore(b.page, 'c', 'efficiency', 3)
  assert.is(await focusedName(a.page), 'Efficiency for candidate c', 'focus stays on the cell')
  await a.page.locator('.rubric-picks button', { hasText: 'Clear' }).click()
  await waitForScore(b.page, 'c', 'efficiency', null)
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

rubric.run()
