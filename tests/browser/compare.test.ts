/** Compare at full width: side by side with 80 columns each from 1280 up, unified below. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { assign, createUser, importTasks } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { editorSize } from '../helpers/layout'

const compare = suite('compare')

const fx = browserFixture(compare)

// Two candidates whose lines differ by a word or two, long enough to need 80 columns.
const line = (name: string) => `    total = sum(value for value in values if value is not None)  # ${name} keeps the order`
const task = JSON.stringify({
  id: 'cmp-1',
  prompt: 'Sum the values.',
  language: 'python',
  candidates: [
    { id: 'a', code: `def total(values):\n${line('first')}\n    return total\n`, model: 'm-a' },
    { id: 'b', code: `def total(values):\n${line('second')}\n    return int(total)\n`, model: 'm-b' },
  ],
})

async function openCompare(width: number, height: number) {
  const s = fx.server
  const { ids } = await importTasks(s, task)
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await assign(s, ids[0], [ada.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(a)
  await a.page.setViewportSize({ width, height })
  await a.page.goto(`/tasks/${ids[0]}`)
  await a.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor({ timeout: 20_000 })
  await a.page.getByRole('tab', { name: /Compare/ }).click()
  await a.page.locator('.merge-host .cm-editor').first().waitFor({ timeout: 20_000 })
  return a
}

compare('shows two 80-column candidates side by side across the window at 1440, and Escape returns', async () => {
  const a = await openCompare(1440, 900)
  const view = a.page.locator('.compare-view')
  assert.is(await view.getAttribute('data-layout'), 'side-by-side')
  const box = (await view.boundingBox())!
  assert.ok(box.width >= 1440 * 0.9, `Compare is ${box.width}px wide`)
  for (const side of ['Code of candidate a (left)', 'Code of candidate b (right)']) {
    const { columns } = await editorSize(a.page, side)
    assert.ok(columns >= 80, `${side} shows ${columns} columns`)
  }
  // Changed words are tinted, never underlined with a bar.
  const marks = await a.page.locator('.cm-changedText').evaluateAll((els) =>
    els.map((el) => {
      const s = getComputedStyle(el)
      return { image: s.backgroundImage, color: s.backgroundColor, decoration: s.textDecorationLine }
    }),
  )
  assert.ok(marks.length > 0, 'changed words are marked')
  for (const m of marks) {
    assert.is(m.image, 'none', 'no gradient underline')
    assert.is.not(m.color, 'rgba(0, 0, 0, 0)', 'a light tint')
    assert.is(m.decoration, 'none')
  }
  assert.not.ok(await a.page.getByRole('region', { name: 'Prompt' }).isVisible(), 'the rest gives way')

  // Escape, from inside the diff, returns to the candidate and the full workspace.
  await a.page.getByRole('textbox', { name: 'Code of candidate b (right)' }).click()
  await a.page.keyboard.press('Escape')
  await a.page.getByRole('textbox', { name: 'Code of candidate a', exact: true }).waitFor()
  assert.ok(await a.page.getByRole('region', { name: 'Prompt' }).isVisible(), 'the workspace is back')
  assert.is(await a.page.locator('.compare-view').count(), 0)
  assert.equal(a.errors, [], 'console errors')
})

compare('shows one unified diff below 1280', async () => {
  const a = await openCompare(1024, 768)
  const view = a.page.locator('.compare-view')
  assert.is(await view.getAttribute('data-layout'), 'unified')
  assert.is(await a.page.locator('.cm-mergeView').count(), 0, 'no side-by-side view')
  await a.page.locator('.cm-deletedChunk').first().waitFor()
  const box = (await view.boundingBox())!
  assert.ok(box.width >= 1024 * 0.9, `Compare is ${box.width}px wide`)
  assert.equal(a.errors, [], 'console errors')
})

compare.run()
