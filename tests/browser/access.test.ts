/** Access taken away while the page is open: the page says so and stops offering edits. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../../shared/roomNames'
import { getWorkspace, WorkspaceRoot } from '../../shared/schema'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, readText, waitForText } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { connectPeer } from '../helpers/peer'
import { onPermissionDenied } from '../../client/sync/permissionDenied'
import type { Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'

const test = suite('browser access')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

async function signIn(token: string): Promise<UserPage> {
  const user = await newUserPage(fx.browser, fx.server, token)
  fx.users.push(user)
  return user
}

/** The lead, watching the room from Node: what the server relays and holds. */
async function leadWatching(room: string): Promise<Peer> {
  const p = connectPeer(fx.server.wsUrl, room, fx.server.leadToken)
  onPermissionDenied(p.provider, () => {}) // the stock handler logs the URL, token included
  peers.push(p)
  await waitFor(() => p.provider.synced, 'the lead to sync')
  return p
}

test('tells an annotator unassigned while typing that they can no longer edit, and their typing reaches nobody', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  await importTasks(s, taskLine('acc-1'), 'access')
  await assign(s, 'acc-1', [ada.id, grace.id])
  const room = roomName.workspace('acc-1')
  const root = WorkspaceRoot.explanation
  const lead = await leadWatching(room)

  const a = await signIn(ada.token)
  const g = await signIn(grace.token)
  await Promise.all([a.page.goto('/tasks/acc-1'), g.page.goto('/tasks/acc-1')])
  const editor = a.page.getByRole('textbox', { name: 'Explanation' })
  await editor.click()
  await a.page.keyboard.type('Ada before. ')
  await waitForText(g.page, room, root, ['Ada before.'])

  // Ada keeps typing while the lead unassigns her.
  const typing = a.page.keyboard.type('still typing '.repeat(8), { delay: 15 })
  await assign(s, 'acc-1', [grace.id])
  await typing
  const alert = a.page.getByRole('alert').filter({ hasText: 'You can no longer edit this task' })
  await alert.waitFor({ timeout: 10_000 })
  assert.match(await alert.innerText(), /no longer assigned/)
  await a.page.keyboard.type('AFTER')
  assert.is(await a.page.getByRole('textbox', { name: 'Explanation' }).count(), 0, 'no editor is offered')

  // Positive control: Grace still edits, and the lead receives it.
  await g.page.getByRole('textbox', { name: 'Explanation' }).click()
  await g.page.keyboard.press('Control+End')
  await g.page.keyboard.type('Grace continues.')
  await waitFor(() => getWorkspace(lead.doc).explanation.toString().includes('Grace continues.'), 'Grace at the lead')
  const held = getWorkspace(lead.doc).explanation.toString()
  assert.not.match(held, /AFTER/, 'nothing typed after the message reached the lead')
  assert.ok(held.startsWith('Ada before. '), held)
  const stored = getWorkspace((await s.running.deps.rooms.open(room)).doc).explanation.toString()
  assert.is(stored, held, 'the server stored exactly what it relayed')
  assert.equal(g.errors, [], "console errors in Grace's page")
})

test('turns the workspace read-only with the server reason when the task becomes read-only', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await importTasks(s, taskLine('acc-2'), 'access')
  await assign(s, 'acc-2', [ada.id])
  const room = roomName.workspace('acc-2')
  const lead = await leadWatching(room)

  const a = await signIn(ada.token)
  await a.page.goto('/tasks/acc-2')
  const editor = a.page.getByRole('textbox', { name: 'Explanation' })
  await editor.click()
  await a.page.keyboard.type('Written before. ')
  await waitFor(() => getWorkspace(lead.doc).explanation.toString() === 'Written before. ', 'the text at the lead')

  // What the workflow's finalize does: the status changes, then access is refreshed.
  await s.running.deps.db.updateTask('acc-2', (t) => void (t.status = 'finalized'))
  s.running.deps.access.refresh({ taskId: 'acc-2' })
  const alert = a.page.getByRole('alert').filter({ hasText: 'You can no longer edit this task: the task was finalized' })
  await alert.waitFor({ timeout: 10_000 })
  assert.is(await editor.getAttribute('aria-readonly'), 'true', 'the Explanation editor is read-only')
  await a.page.getByText('The ranking is read-only for you.').waitFor()
  await a.page.getByText('Scores are read-only for you.').waitFor()
  await editor.click()
  await a.page.keyboard.type('LATE')
  assert.is(await readText(a.page, room, WorkspaceRoot.explanation), 'Written before. ', 'the page takes no edit')
  // Positive control: the page still receives what the server sends.
  await s.running.deps.rooms.transact(room, (doc) => getWorkspace(doc).solution.insert(0, 'from the server'))
  await waitForText(a.page, room, WorkspaceRoot.solution, ['from the server'])
})

test.run()
