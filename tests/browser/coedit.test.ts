/** Two annotators in two browsers co-edit a task's Explanation through the real server. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../../shared/roomNames'
import { WorkspaceRoot } from '../../shared/schema'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, waitForText } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'

const coedit = suite('coedit')

const fx = browserFixture(coedit)

async function signIn(token: string): Promise<UserPage> {
  const user = await newUserPage(fx.browser, fx.server, token)
  fx.users.push(user)
  return user
}

coedit('shows each annotator the other one\'s text and named cursor', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  const { ids } = await importTasks(s, taskLine('coedit-1'), 'coedit')
  const taskId = ids[0]
  await assign(s, taskId, [ada.id, grace.id])
  const room = roomName.workspace(taskId)
  const root = WorkspaceRoot.explanation

  const a = await signIn(ada.token)
  const b = await signIn(grace.token)
  await Promise.all([a.page.goto(`/tasks/${taskId}`), b.page.goto(`/tasks/${taskId}`)])

  await a.page.getByRole('textbox', { name: 'Explanation' }).click()
  await a.page.keyboard.type('Candidate a is correct. ')
  await waitForText(b.page, room, root, ['Candidate a is correct.'])

  await b.page.getByRole('textbox', { name: 'Explanation' }).click()
  await b.page.keyboard.press('Control+End')
  await b.page.keyboard.type('Candidate b subtracts.')
  const both = ['Candidate a is correct.', 'Candidate b subtracts.']
  await waitForText(a.page, room, root, both)
  await waitForText(b.page, room, root, both)

  // Remote carets carry the other user's name (y-codemirror.next's `.cm-ySelectionInfo`).
  const caret = { state: 'attached', timeout: 10_000 } as const
  await a.page.locator('.cm-ySelectionInfo', { hasText: 'Grace Hopper' }).waitFor(caret)
  await b.page.locator('.cm-ySelectionInfo', { hasText: 'Ada Lovelace' }).waitFor(caret)

  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

coedit('lists the people present in the workspace', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  const { ids } = await importTasks(s, taskLine('presence-1'), 'coedit')
  await assign(s, ids[0], [ada.id, grace.id])

  const a = await signIn(ada.token)
  const b = await signIn(grace.token)
  await Promise.all([a.page.goto(`/tasks/${ids[0]}`), b.page.goto(`/tasks/${ids[0]}`)])

  const present = a.page.getByRole('list', { name: 'Here now' })
  await present.getByText('Grace Hopper').waitFor({ timeout: 10_000 })
  await b.page.getByRole('list', { name: 'Here now' }).getByText('Ada Lovelace').waitFor()
  await b.close()
  await present.getByText('Grace Hopper').waitFor({ state: 'detached', timeout: 10_000 })

  assert.equal(a.errors, [], 'console errors in Ada\'s page')
})

coedit.run()
