/** The workspace's text surfaces in two browsers: co-edited editors, the prompt, the diff view. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { WorkspaceRoot } from '../../shared/schema'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, waitForText } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'

const editors = suite('editors')

const fx = browserFixture(editors)

/** Two annotators assigned to one imported task, both with the workspace open. */
async function openPair(line: string): Promise<{ taskId: string; a: UserPage; b: UserPage }> {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  const { ids } = await importTasks(s, line, 'editors')
  await assign(s, ids[0], [ada.id, grace.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  const b = await newUserPage(fx.browser, s, grace.token)
  fx.users.push(a, b)
  await Promise.all([a.page.goto(`/tasks/${ids[0]}`), b.page.goto(`/tasks/${ids[0]}`)])
  // Typing before the first sync would still merge, but the assertions read the synced state.
  for (const u of [a, b]) {
    await u.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
  }
  return { taskId: ids[0], a, b }
}

/** The remote caret named `name` inside the editor labelled `label`. */
function caretIn(page: Page, label: string, name: string) {
  return page
    .locator('.cm-editor', { has: page.getByRole('textbox', { name: label, exact: true }) })
    .locator('.cm-ySelectionInfo', { hasText: name })
}

/** Waits until candidate `id`'s notes in `page` contain every one of `parts`. */
async function waitForNotes(page: Page, room: string, id: string, parts: string[]): Promise<void> {
  await page.waitForFunction(
    ([room, root, id, parts]) => {
      const notes = window.__codejury?.docs.get(room)?.getMap(root).get(id)
      const text = notes ? String(notes.toString()) : ''
      return parts.every((p) => text.includes(p))
    },
    [room, WorkspaceRoot.notes, id, parts] as const,
    { timeout: 10_000 },
  )
}

async function typeAtEnd(page: Page, label: string, text: string): Promise<void> {
  await page.getByRole('textbox', { name: label, exact: true }).click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
}

const caret = { state: 'attached', timeout: 10_000 } as const

editors('shows each annotator the other one\'s text and named cursor in every editor', async () => {
  const { taskId, a, b } = await openPair(taskLine('co-1'))
  const room = roomName.workspace(taskId)
  const surfaces = [
    { label: 'Explanation', root: WorkspaceRoot.explanation },
    { label: 'Reference solution', root: WorkspaceRoot.solution },
    { label: 'Tests', root: WorkspaceRoot.tests },
  ]
  for (const { label, root } of surfaces) {
    await typeAtEnd(a.page, label, ` ada-${root} `)
    await waitForText(b.page, room, root, [`ada-${root}`])
    await typeAtEnd(b.page, label, ` grace-${root} `)
    await waitForText(a.page, room, root, [`ada-${root}`, `grace-${root}`])
    await waitForText(b.page, room, root, [`ada-${root}`, `grace-${root}`])
    await caretIn(a.page, label, 'Grace Hopper').waitFor(caret)
    await caretIn(b.page, label, 'Ada Lovelace').waitFor(caret)
  }

  // The seed tests came with the task and survive both people typing around them.
  await waitForText(a.page, room, WorkspaceRoot.tests, ['def test_add():'])

  const notes = 'Notes on a'
  await typeAtEnd(a.page, notes, 'ada: a is right. ')
  await waitForNotes(b.page, room, 'a', ['ada: a is right.'])
  await typeAtEnd(b.page, notes, 'grace: agreed.')
  await waitForNotes(a.page, room, 'a', ['ada: a is right.', 'grace: agreed.'])
  await caretIn(a.page, notes, 'Grace Hopper').waitFor(caret)
  await caretIn(b.page, notes, 'Ada Lovelace').waitFor(caret)

  // Notes belong to one candidate: b's are still empty.
  await b.page.getByRole('tab', { name: /^b/ }).click()
  const other = await b.page.evaluate(
    ([room, root]) => window.__codejury?.docs.get(room)?.getMap(root).get('b')?.toString(),
    [room, WorkspaceRoot.notes] as const,
  )
  assert.is(other, '')
  await b.page.getByRole('textbox', { name: 'Notes on b', exact: true }).waitFor()

  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

editors('renders the prompt as markdown and never runs or inserts raw HTML', async () => {
  const line = JSON.parse(taskLine('md-1'))
  line.prompt = [
    '# Sum two numbers',
    '',
    'Write **`add(a, b)`** and read [the spec](https://example.com/spec).',
    '',
    '<script>window.__pwned = "script"</script>',
    '',
    'Inline <img src="/nope.png" onerror="window.__pwned = \'img\'"> image.',
    '',
    '<div onclick="window.__pwned = \'div\'">raw block</div>',
    '',
    '[bad](javascript:window.__pwned=1)',
  ].join('\n')
  const { a } = await openPair(JSON.stringify(line))
  const prompt = a.page.getByRole('region', { name: 'Prompt' })
  await prompt.getByRole('heading', { name: 'Sum two numbers' }).waitFor()
  assert.is(await prompt.locator('strong code').textContent(), 'add(a, b)')
  const link = prompt.getByRole('link', { name: 'the spec' })
  assert.is(await link.getAttribute('href'), 'https://example.com/spec')
  assert.match((await link.getAttribute('rel')) ?? '', /noopener/)

  // Give an inserted image time to fail and fire its handler, if one had been inserted.
  await a.page.waitForTimeout(500)
  const html = await prompt.innerHTML()
  for (const banned of ['<script', '<img', 'onerror', 'onclick', 'javascript:', 'raw block']) {
    assert.not.ok(html.includes(banned), `the prompt contains ${banned}`)
  }
  assert.is(await a.page.evaluate(() => (window as { __pwned?: unknown }).__pwned), undefined)
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
})

editors('shows two chosen candidates side by side as a diff', async () => {
  const { a } = await openPair(taskLine('diff-1'))
  const page = a.page
  // `c` opens Compare from anywhere outside a text field.
  await page.getByRole('tab', { name: /^a/ }).click()
  await page.keyboard.press('c')
  const compareTab = page.getByRole('tab', { name: 'Compare' })
  await compareTab.and(page.locator('[aria-selected="true"]')).waitFor()
  const left = page.getByLabel('Left candidate')
  const right = page.getByLabel('Right candidate')
  assert.is(await left.inputValue(), 'a')
  assert.is(await right.inputValue(), 'b')

  const merge = page.locator('.cm-mergeView')
  await merge.waitFor({ timeout: 10_000 })
  const sides = merge.getByRole('textbox')
  await page.waitForFunction(
    () => document.querySelectorAll('.cm-mergeView .cm-changedLine').length > 0,
  )
  assert.match((await sides.nth(0).textContent()) ?? '', /return a \+ b/)
  assert.match((await sides.nth(1).textContent()) ?? '', /return a - b/)
  assert.ok(await merge.locator('.cm-changedText').count() > 0, 'changed text is marked')

  await right.selectOption('c')
  await page.waitForFunction(() =>
    document.querySelectorAll('.cm-mergeView .cm-content')[1]?.textContent?.includes('sum([a, b])'),
  )
  await page.getByRole('textbox', { name: 'Code of candidate c (right)' }).waitFor()
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
})

editors('runs shortcuts outside text fields and leaves keys typed in an editor alone', async () => {
  const { taskId, a } = await openPair(taskLine('keys-1'))
  const page = a.page
  const room = roomName.workspace(taskId)
  const selected = (name: string) =>
    page.getByRole('tab', { name }).and(page.locator('[aria-selected="true"]')).waitFor()

  await page.getByRole('tab', { name: /^a/ }).click()
  await page.keyboard.press('3')
  await selected('c model-c')
  await page.keyboard.press('[')
  await selected('b model-b')

  // `e` focuses the Explanation; from then on digits and letters are text, not shortcuts.
  await page.keyboard.press('e')
  await page.keyboard.type('2 **bold** c')
  await waitForText(page, room, WorkspaceRoot.explanation, ['2 **bold** c'])
  await selected('b model-b')
  // Alt+Shift+P works while typing: the preview renders the markdown.
  await page.keyboard.press('Alt+Shift+P')
  const preview = page
    .getByRole('region', { name: 'Explanation' })
    .getByLabel('Explanation preview')
  assert.is(await preview.locator('strong').textContent(), 'bold')
  await page.keyboard.press('p')
  await page.getByRole('textbox', { name: 'Explanation', exact: true }).waitFor()

  await page.getByRole('tab', { name: /^a/ }).focus()
  await page.keyboard.press('?')
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await help.waitFor()
  assert.ok(await help.getByText('Focus Reference solution').isVisible())
  await page.keyboard.press('Escape')
  await help.waitFor({ state: 'hidden' })

  // `g` opens the guidelines and rubric.
  await page.keyboard.press('g')
  const toggle = page.getByRole('button', { name: 'Guidelines & rubric' })
  assert.is(await toggle.getAttribute('aria-expanded'), 'true')
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
})

editors.run()
