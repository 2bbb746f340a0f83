/** Comments in the browser: line comments on candidate code, text threads, outdated quotes. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, waitForText } from '../helpers/browser'
import { roomName } from '../../shared/roomNames'

const comments = suite('comments')
const fx = browserFixture(comments)
const TASK = 'comments-1'

async function openAs(token: string) {
  const u = await newUserPage(fx.browser, fx.server, token)
  fx.users.push(u)
  await u.page.goto(`/tasks/${TASK}`)
  return u
}

async function team() {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const linus = await createUser(s, 'Linus', 'reviewer')
  await importTasks(s, taskLine(TASK), 'comments')
  await assign(s, TASK, [ada.id])
  return { ada, linus }
}

const panel = (page: Page) => page.getByRole('region', { name: 'Comments' })
const thread = (page: Page, name: string) => panel(page).getByRole('listitem', { name: `Thread on ${name}` })

comments('a reviewer comments on a candidate\'s line and the annotator sees the highlight live', async () => {
  const { ada, linus } = await team()
  const annotator = await openAs(ada.token)
  const reviewer = await openAs(linus.token)
  const code = (page: Page) => page.getByRole('textbox', { name: 'Code of candidate a' })
  await code(annotator.page).waitFor({ timeout: 10_000 })
  // Positive control for "no highlight before": the annotator's code view is there, unmarked.
  assert.is(await annotator.page.locator('.cm-comment-line').count(), 0)

  await code(reviewer.page).click()
  await reviewer.page.keyboard.press('Control+Home')
  await reviewer.page.keyboard.press('ArrowDown')
  await reviewer.page.keyboard.press('Home')
  await reviewer.page.keyboard.press('Shift+End')
  await reviewer.page.keyboard.press('Control+Alt+m')
  const box = panel(reviewer.page).getByRole('textbox', { name: 'New comment' })
  await box.waitFor({ timeout: 5_000 })
  assert.ok(await box.evaluate((el) => el === document.activeElement), 'the shortcut focuses the new comment')
  await box.fill('This **subtracts**: @Ada Lovelace please check <img src=x onerror="window.pwned=1">')
  await panel(reviewer.page).getByRole('button', { name: 'Comment', exact: true }).click()

  const mark = annotator.page.locator('.code-host .cm-comment-line')
  await mark.first().waitFor({ timeout: 10_000 })
  assert.is(await mark.count(), 1, 'exactly line 2 is highlighted')
  assert.match(await mark.innerText(), /return a \+ b/)
  const t = thread(annotator.page, 'Candidate a, line 2')
  await t.waitFor({ timeout: 10_000 })
  const text = await t.innerText()
  assert.match(text, /Linus/)
  assert.match(text, /Mentions you/)
  assert.ok(await t.locator('strong', { hasText: 'subtracts' }).count(), 'the body is rendered as markdown')
  assert.is(await t.locator('img').count(), 0, 'raw HTML in a comment is dropped')
  assert.is(await annotator.page.evaluate(() => (window as any).pwned), undefined)

  // The annotator replies and resolves; the reviewer sees both, and the highlight goes away.
  await t.getByRole('textbox', { name: 'Reply' }).fill('Fixed in the notes')
  await t.getByRole('button', { name: 'Reply' }).click()
  await thread(reviewer.page, 'Candidate a, line 2').getByText('Fixed in the notes').waitFor({ timeout: 10_000 })
  await t.getByRole('button', { name: 'Resolve' }).click()
  await reviewer.page.locator('.code-host .cm-comment-line').waitFor({ state: 'detached', timeout: 10_000 })
  assert.match(await panel(reviewer.page).innerText(), /0 open, 1 resolved/)
  assert.equal(annotator.errors, [])
  assert.equal(reviewer.errors, [])
})

comments('a thread on an explanation range becomes outdated when its text is deleted and shows its quote', async () => {
  const { ada } = await team()
  const lead = await openAs(fx.server.leadToken)
  const annotator = await openAs(ada.token)
  const editor = (page: Page) => page.getByRole('textbox', { name: 'Explanation' })
  await editor(lead.page).click()
  await lead.page.keyboard.type('Intro. Candidate b is quadratic')
  await waitForText(annotator.page, roomName.workspace(TASK), 'explanation', ['quadratic'])
  await lead.page.keyboard.press('Shift+Home')
  await lead.page.getByRole('button', { name: /Comment on selection/ }).click()
  await panel(lead.page).getByRole('textbox', { name: 'New comment' }).fill('Show the failing input')
  await panel(lead.page).getByRole('button', { name: 'Comment', exact: true }).click()

  const t = thread(annotator.page, 'Explanation')
  await t.waitFor({ timeout: 10_000 })
  await annotator.page.locator('.cm-comment', { hasText: 'Candidate b is quadratic' }).waitFor({ timeout: 10_000 })
  assert.not.match(await t.innerText(), /Outdated/)
  // The thread jumps to its range: the annotator's editor selects exactly the anchored text.
  await t.getByRole('button', { name: 'Explanation' }).click()
  // The caret labels of remote cursors put U+2060 joiners into the DOM text (STYLE.md).
  await annotator.page.waitForFunction(
    () => getSelection()?.toString().replace(/\u2060/g, '') === 'Intro. Candidate b is quadratic',
    null,
    { timeout: 5_000 },
  )

  // The annotator deletes the whole explanation: the thread turns outdated and keeps the quote.
  await editor(annotator.page).click()
  await annotator.page.keyboard.press('Control+a')
  await annotator.page.keyboard.press('Delete')
  await waitForText(lead.page, roomName.workspace(TASK), 'explanation', [])
  for (const page of [lead.page, annotator.page]) {
    await thread(page, 'Explanation').getByText('Outdated').waitFor({ timeout: 10_000 })
    assert.match(await thread(page, 'Explanation').locator('blockquote').innerText(), /^Intro\. Candidate b is quadratic$/)
    assert.is(await page.locator('.cm-comment').count(), 0)
  }
  assert.equal(lead.errors, [])
  assert.equal(annotator.errors, [])
})

comments.run()
