/** Rough edges: bad sign-in links, pasted links, unassigned and missing tasks, titles, next task. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../../shared/roomNames'
import { WorkspaceRoot } from '../../shared/schema'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, waitForText } from '../helpers/browser'
import { completeWorkspace, syncedPeer } from '../helpers/review'

const edges = suite('rough edges')

const fx = browserFixture(edges)

edges('explains a bad sign-in link on a page whose form takes a whole pasted link', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const context = await fx.browser.newContext({ baseURL: s.url })
  const page = await context.newPage()
  fx.users.push({ context, page, errors: [], close: () => context.close() })
  const res = await page.goto('/signin/this-link-was-replaced')
  assert.is(res?.status(), 401)
  await page.getByRole('heading', { name: 'This sign-in link does not work' }).waitFor()
  assert.is(await page.title(), 'Sign in · codejury')
  assert.not.match(await page.content(), /"error"/, 'no raw JSON')
  // The whole link, as a lead would send it, signs in.
  await page.getByLabel('Sign-in link or token').fill(`https://jury.example.org/signin/${ada.token}`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // The link's page names the account; its button signs in.
  await page.getByRole('button', { name: 'Sign in as Ada Lovelace' }).click()
  await page.waitForURL((url) => url.pathname === '/')
  await page.getByText('Ada Lovelace').waitFor()
  assert.is(await page.title(), 'Your tasks · codejury')
})

edges('signs in from the signed-out screen with a whole pasted link', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const context = await fx.browser.newContext({ baseURL: s.url })
  const page = await context.newPage()
  fx.users.push({ context, page, errors: [], close: () => context.close() })
  await page.goto('/')
  await page.getByRole('heading', { name: 'Sign in to codejury' }).waitFor()
  const button = page.getByRole('button', { name: 'Sign in' })
  await page.getByLabel('Sign-in link or token').fill('https://jury.example.org/signin/')
  assert.ok(await button.isDisabled(), 'a link without a token cannot be sent')
  await page.getByLabel('Sign-in link or token').fill(`  ${s.url}/signin/${ada.token}  `)
  await button.click()
  await page.getByRole('button', { name: 'Sign in as Ada Lovelace' }).click()
  await page.getByText('Ada Lovelace').waitFor()
})

edges('says whom to ask about an unassigned task and that a missing one does not exist', async () => {
  const s = fx.server
  await importTasks(s, taskLine('mine') + '\n' + taskLine('theirs'))
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await assign(s, 'mine', [ada.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(a)
  await a.page.goto('/tasks/theirs')
  const alert = a.page.getByRole('alert')
  await alert.waitFor()
  assert.match((await alert.textContent()) ?? '', /not assigned to you: ask Lead to assign it/)
  await a.page.goto('/tasks/nothing-here')
  await a.page.getByRole('alert').filter({ hasText: 'No such task' }).waitFor()
  // Positive control: the assigned task opens, and its tab names the task.
  await a.page.goto('/tasks/mine')
  await a.page.getByRole('textbox', { name: 'Explanation', exact: true }).waitFor()
  await a.page.waitForFunction(() => document.title === 'Task mine (mine) · codejury')
})

edges('offers the next task after a submit, shows placeholders and highlights code in the preview', async () => {
  const s = fx.server
  await importTasks(s, [taskLine('first'), taskLine('second')].join('\n'))
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await assign(s, 'first', [ada.id])
  await assign(s, 'second', [ada.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(a)
  await a.page.goto('/tasks/first')
  await a.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor({ timeout: 20_000 })
  // Empty editors say what goes in them.
  const placeholders = await a.page.locator('.cm-placeholder').allTextContents()
  assert.ok(placeholders.some((p) => p.startsWith('Why is the best candidate best?')), `${placeholders}`)
  assert.ok(placeholders.some((p) => p.startsWith("The team's solution")), `${placeholders}`)

  // A fenced block in the Explanation renders highlighted, as spans of text, in the preview.
  await a.page.getByRole('textbox', { name: 'Explanation', exact: true }).click()
  await a.page.keyboard.type('See:\n```python\ndef f(x):\n    return "<b>hi</b>"\n```\n')
  await waitForText(a.page, roomName.workspace('first'), WorkspaceRoot.explanation, ['```python'])
  await a.page.getByRole('button', { name: /Preview/ }).click()
  const keyword = a.page.locator('.preview pre code .tok-keyword').first()
  await keyword.waitFor()
  assert.is(await keyword.textContent(), 'def')
  assert.is(await a.page.locator('.preview pre code b').count(), 0, 'text stays text')
  assert.match((await a.page.locator('.preview pre code').textContent()) ?? '', /"<b>hi<\/b>"/)

  // Submit takes complete work: the rest of it is filled in through a stock peer of Ada's.
  const peers = [] as Parameters<typeof syncedPeer>[3]
  try {
    await completeWorkspace(s, await syncedPeer(s, roomName.workspace('first'), ada.token, peers), 'first')
  } finally {
    for (const p of peers) p.destroy()
  }
  await a.page.getByRole('button', { name: 'Submit' }).click()
  const next = a.page.getByRole('link', { name: /^Next task: / })
  await next.waitFor()
  await next.click()
  await a.page.waitForURL((url) => url.pathname === '/tasks/second')
  await a.page.getByRole('textbox', { name: 'Explanation', exact: true }).waitFor()
  assert.equal(a.errors, [], 'console errors')
})

edges.run()
