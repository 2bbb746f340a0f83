/** Resizable columns remembered per person, and focus mode (`z`) showing one pane full width. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, signInOnPage } from '../helpers/browser'

const splits = suite('splits and focus mode')

const fx = browserFixture(splits)

async function open(page: Page, taskId: string) {
  await page.goto(`/tasks/${taskId}`)
  await page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor({ timeout: 20_000 })
}

const width = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => el.getBoundingClientRect().width)

splits('resizes columns by keyboard and pointer and remembers them per person', async () => {
  const s = fx.server
  const { ids } = await importTasks(s, taskLine('split-1'))
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  await assign(s, ids[0], [ada.id, grace.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(a)
  await a.page.setViewportSize({ width: 1920, height: 1080 })
  await open(a.page, ids[0])

  const taskHandle = a.page.getByRole('separator', { name: 'Resize the task column' })
  const judgeHandle = a.page.getByRole('separator', { name: 'Resize the judgment column' })
  const taskBefore = await width(a.page, '.ws-task')
  const nowBefore = Number(await taskHandle.getAttribute('aria-valuenow'))
  assert.ok(nowBefore >= 30 && nowBefore <= 70, `aria-valuenow ${nowBefore} is a percentage`)
  await taskHandle.focus()
  for (let i = 0; i < 3; i++) await a.page.keyboard.press('ArrowRight')
  await a.page.waitForFunction((n) => Number(document.querySelector('[aria-label="Resize the task column"]')?.getAttribute('aria-valuenow')) === n, nowBefore + 6)
  const taskAfter = await width(a.page, '.ws-task')
  assert.ok(taskAfter > taskBefore + 50, `the task column grew: ${taskBefore} → ${taskAfter}`)

  // Drag the judgment column's handle 100px to the left: that column grows by about as much.
  const judgeBefore = await width(a.page, '.ws-judge')
  const box = (await judgeHandle.boundingBox())!
  await a.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await a.page.mouse.down()
  await a.page.mouse.move(box.x + box.width / 2 - 100, box.y + box.height / 2, { steps: 5 })
  await a.page.mouse.up()
  const judgeAfter = await width(a.page, '.ws-judge')
  assert.ok(Math.abs(judgeAfter - judgeBefore - 100) < 12, `the judgment column grew by ~100px: ${judgeBefore} → ${judgeAfter}`)

  // A reload keeps both widths.
  await open(a.page, ids[0])
  assert.ok(Math.abs((await width(a.page, '.ws-task')) - taskAfter) < 1, 'task width remembered')
  assert.ok(Math.abs((await width(a.page, '.ws-judge')) - judgeAfter) < 1, 'judgment width remembered')

  // Another person in the same browser gets the default layout, not Ada's.
  await signInOnPage(a.page, grace.token)
  await open(a.page, ids[0])
  assert.ok(Math.abs((await width(a.page, '.ws-task')) - taskBefore) < 1, 'Grace sees the default task width')
  assert.equal(a.errors, [], 'console errors')
})

splits('shows the current pane alone with z and comes back with Escape', async () => {
  const s = fx.server
  const { ids } = await importTasks(s, taskLine('focus-1'))
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await assign(s, ids[0], [ada.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(a)
  await a.page.setViewportSize({ width: 1440, height: 900 })
  await open(a.page, ids[0])
  const tests = a.page.getByRole('textbox', { name: 'Tests', exact: true })
  const explanation = a.page.getByRole('textbox', { name: 'Explanation', exact: true })
  const gridWidth = await width(a.page, '.ws-grid')
  const paneBefore = await width(a.page, '.editor-pane:has([aria-label="Tests"])')
  assert.ok(paneBefore < gridWidth * 0.6, 'the Tests pane starts in its column')

  // Escape leaves the editor for its pane; there `z` is a shortcut again, not a letter.
  await tests.click()
  await a.page.keyboard.press('Escape')
  const focused = await a.page.evaluate(() => document.activeElement?.matches('.editor-pane') ?? false)
  assert.ok(focused, 'Escape moved focus to the Tests pane')
  await a.page.keyboard.press('z')
  await a.page.waitForFunction(() => document.querySelector('.ws-grid')?.hasAttribute('data-focus-mode'))
  const paneWide = await width(a.page, '.editor-pane:has([aria-label="Tests"])')
  assert.ok(paneWide > gridWidth * 0.95, `the Tests pane fills the width: ${paneWide} of ${gridWidth}`)
  assert.not.ok(await explanation.isVisible(), 'other panes are hidden')
  assert.not.ok((await tests.textContent())?.includes('z'), 'z was not typed into the editor')

  await a.page.keyboard.press('Escape')
  await a.page.waitForFunction(() => !document.querySelector('.ws-grid')?.hasAttribute('data-focus-mode'))
  assert.ok(await explanation.isVisible(), 'the other panes are back')
  assert.ok(Math.abs((await width(a.page, '.editor-pane:has([aria-label="Tests"])')) - paneBefore) < 1)
  assert.equal(a.errors, [], 'console errors')
})

splits.run()
