/** The Comments panel follows the task's read-only state: disabled with a reason when finalized, back on reopen. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { createThread, readThreads } from '../../shared/comments'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'
import { act, completeWorkspace, reviewTask, syncedPeer, waitForServerDoc } from '../helpers/review'

const test = suite('comments read-only')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

const panel = (page: Page) => page.getByRole('region', { name: 'Comments' })
const REASON = 'The task is finalized: comments are read-only until the lead reopens it.'

test('disables the composer, reply and resolve with a reason while finalized, keeps the draft, and re-enables on reopen', async () => {
  const s = fx.server
  const { id, rev } = await reviewTask(s)
  const work = await syncedPeer(s, roomName.workspace(id), s.leadToken, peers)
  await completeWorkspace(s, work, id)
  // An unresolved thread of the reviewer's blocks finalize; they answer and resolve it on the page below.
  const comments = await syncedPeer(s, roomName.comments(id), rev.token, peers)
  createThread(comments.doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: 'Is B really wrong?' }, null)
  await waitForServerDoc(s, roomName.comments(id), (d) => readThreads(d).length === 1, 'the thread stored')

  const reviewer = await newUserPage(fx.browser, s, rev.token)
  fx.users.push(reviewer)
  await reviewer.page.goto(`/tasks/${id}`)
  const p = reviewer.page
  const thread = panel(p).getByRole('listitem', { name: 'Thread on Whole task' })
  await thread.waitFor()
  // Writable while open: the control for everything disabled below.
  await thread.getByRole('textbox', { name: 'Reply' }).fill('Yes: it subtracts.')
  await thread.getByRole('button', { name: 'Reply', exact: true }).click()
  await thread.getByText('Yes: it subtracts.').waitFor()
  await thread.getByRole('button', { name: 'Resolve' }).click()
  await waitForServerDoc(s, roomName.comments(id), (d) => readThreads(d)[0]?.resolved === true, 'the resolve stored')
  // A draft in progress when the lead finalizes.
  await panel(p).getByRole('button', { name: 'On the whole task' }).click()
  const box = panel(p).getByRole('textbox', { name: 'New comment' })
  await box.fill('Half-written when it was finalized')

  assert.is((await act(s, s.leadToken, id, 'finalize')).status, 200)
  await panel(p).getByRole('note').filter({ hasText: REASON }).waitFor({ timeout: 10_000 })
  assert.ok(await panel(p).getByRole('button', { name: /Comment on selection/ }).isDisabled())
  assert.ok(await panel(p).getByRole('button', { name: 'On the whole task' }).isDisabled())
  assert.ok(await panel(p).getByRole('button', { name: 'Comment', exact: true }).isDisabled())
  assert.is(await box.getAttribute('aria-readonly'), 'true')
  assert.is(await box.inputValue(), 'Half-written when it was finalized', 'the draft is kept, not dropped')
  await panel(p).getByRole('checkbox', { name: /Show resolved threads/ }).check()
  assert.ok(await thread.getByRole('button', { name: 'Reopen' }).isDisabled(), 'a thread cannot be reopened either')
  // Ctrl+Alt+M says why instead of opening a composer.
  await p.keyboard.press('Control+Alt+KeyM')
  await panel(p).getByRole('status').filter({ hasText: REASON }).waitFor()

  assert.is((await act(s, s.leadToken, id, 'reopen')).status, 200)
  await waitFor(async () => (await panel(p).getByRole('note').count()) === 0, 'the reason to go on reopen')
  await waitFor(() => panel(p).getByRole('button', { name: 'Comment', exact: true }).isEnabled(), 'Comment to be enabled')
  assert.ok(await panel(p).getByRole('button', { name: 'On the whole task' }).isEnabled())
  assert.ok(await thread.getByRole('button', { name: 'Reopen' }).isEnabled())
  assert.is(await box.getAttribute('aria-readonly'), null)
  await panel(p).getByRole('button', { name: 'Comment', exact: true }).click()
  await waitForServerDoc(s, roomName.comments(id), (d) => readThreads(d).length === 2, 'the kept draft posted after the reopen')
  assert.equal(reviewer.errors.filter((e) => !/WebSocket|permission/i.test(e)), [])
})

test.run()
