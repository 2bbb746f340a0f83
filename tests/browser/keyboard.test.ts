/** Keyboard without traps: Tab walks the whole workspace and out of every editor; Escape leaves. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { WorkspaceRoot } from '../../shared/schema'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, readText } from '../helpers/browser'

const keyboard = suite('keyboard')

const fx = browserFixture(keyboard)

async function openWorkspace(width = 1440, height = 900) {
  const s = fx.server
  const { ids } = await importTasks(s, taskLine('keys-1'))
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await assign(s, ids[0], [ada.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(a)
  await a.page.setViewportSize({ width, height })
  await a.page.goto(`/tasks/${ids[0]}`)
  await a.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor({ timeout: 20_000 })
  return { a, room: roomName.workspace(ids[0]) }
}

/** What has focus: an editor's label, or the element's role/name/tag. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return 'body'
    const cm = el.closest('.cm-content')
    if (cm) return `editor:${cm.getAttribute('aria-label')}`
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? ''
    return `${el.getAttribute('role') ?? el.tagName.toLowerCase()}:${name}`
  })
}

const EDITORS = ['Code of candidate a', 'Notes on a', 'Explanation', 'Reference solution', 'Tests']

keyboard('walks the whole workspace with Tab and never stays in an editor', async () => {
  const { a, room } = await openWorkspace()
  const seen: string[] = []
  await a.page.locator('body').focus()
  for (let i = 0; i < 150; i++) {
    await a.page.keyboard.press('Tab')
    const now = await focused(a.page)
    if (now === 'body' && seen.length > 0) break
    seen.push(now)
  }
  // Every editor is reached, and the Tab after it lands somewhere else.
  for (const label of EDITORS) {
    const at = seen.indexOf(`editor:${label}`)
    assert.ok(at >= 0, `Tab reaches ${label}; walked: ${seen.join(' | ')}`)
    assert.is.not(seen[at + 1], `editor:${label}`, `Tab leaves ${label}`)
  }
  // The rest of the workspace is on the way too: handles, ranking, rubric, help.
  for (const stop of ['separator:Resize the task column', 'button:Keyboard shortcuts']) {
    assert.ok(seen.includes(stop), `Tab reaches ${stop}`)
  }
  assert.ok(seen.some((s) => s.startsWith('grid:') || s.startsWith('gridcell:')), 'Tab reaches the rubric')
  // Tab never typed anything: the walk left the texts alone.
  assert.is(await readText(a.page, room, WorkspaceRoot.tests), 'def test_add():\n    assert add(1, 2) == 3\n')
  assert.equal(a.errors, [], 'console errors')
})

keyboard('indents with Tab only after typing, and Escape then Tab always leaves', async () => {
  const { a, room } = await openWorkspace()
  const tests = a.page.getByRole('textbox', { name: 'Tests', exact: true })
  await tests.click()
  await a.page.keyboard.press('Control+End')
  // Freshly focused: Tab moves on and the text is unchanged.
  await a.page.keyboard.press('Tab')
  assert.is.not(await focused(a.page), 'editor:Tests', 'Tab left an editor nobody typed in')
  const untouched = await readText(a.page, room, WorkspaceRoot.tests)

  // After Enter, Tab indents and focus stays.
  await tests.click()
  await a.page.keyboard.press('Control+End')
  await a.page.keyboard.press('Enter')
  await a.page.keyboard.type('x = 1')
  await a.page.keyboard.press('Home')
  await a.page.keyboard.press('Tab')
  assert.is(await focused(a.page), 'editor:Tests', 'Tab indented instead of leaving')
  const indented = (await readText(a.page, room, WorkspaceRoot.tests)) ?? ''
  assert.match(indented, /\n\s{2,}x = 1$/, `indented: ${JSON.stringify(indented)}`)
  assert.is.not(indented, untouched)

  // Escape leaves to the pane; Tab then goes past the editor; single keys work from the pane.
  await a.page.keyboard.press('Escape')
  assert.match(await focused(a.page), /^section:/, 'Escape focused the pane')
  await a.page.keyboard.press('Tab')
  const after = await focused(a.page)
  assert.is.not(after, 'editor:Tests', 'Escape then Tab left the editor')
  await tests.click()
  await a.page.keyboard.press('Escape')
  await a.page.keyboard.press('e')
  assert.is(await focused(a.page), 'editor:Explanation', 'the e shortcut works after Escape')
  assert.is((await readText(a.page, room, WorkspaceRoot.tests)) ?? '', indented, 'e was not typed')

  // The help overlay says how it works.
  await a.page.keyboard.press('Escape')
  await a.page.keyboard.press('?')
  const help = await a.page.getByTestId('help-tab').textContent()
  assert.match(help ?? '', /indents only after you typed or pressed Enter/)
  assert.match(help ?? '', /Esc always leaves an editor/)
  assert.equal(a.errors, [], 'console errors')
})

keyboard.run()
