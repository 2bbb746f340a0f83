/** The workflow in real browsers: buttons by role, live status, finalize's reasons and the read-only switch. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { getWorkspace, WorkspaceRoot } from '../../shared/schema'
import { readThreads } from '../../shared/comments'
import { browserFixture, newUserPage, readText } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { completeWorkspace, reviewTask, syncedPeer } from '../helpers/review'
import { waitFor } from '../helpers/waitFor'

const test = suite('browser workflow')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

async function open(token: string, taskId: string): Promise<UserPage> {
  const user = await newUserPage(fx.browser, fx.server, token)
  fx.users.push(user)
  await user.page.goto(`/tasks/${taskId}`)
  await user.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
  return user
}

/**
 * `open`, with the page's first workspace socket able to stop sending (`hold()`): keystrokes typed
 * after it are never acknowledged, whatever the timing, while everything the server sends arrives.
 */
async function openHolding(token: string, taskId: string): Promise<{ user: UserPage; hold: () => void }> {
  const user = await newUserPage(fx.browser, fx.server, token)
  fx.users.push(user)
  let holding = false
  let sockets = 0
  await user.page.routeWebSocket(/\/ws\/task%3A[A-Za-z0-9_-]+(\?|$)/, (ws) => {
    const upstream = ws.connectToServer()
    const first = ++sockets === 1
    ws.onMessage((m) => (first && holding ? undefined : upstream.send(m)))
  })
  await user.page.goto(`/tasks/${taskId}`)
  await user.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
  return { user, hold: () => (holding = true) }
}

/** 'true' when the editor labelled `label` takes no typing (CodeMirror's read-only state). */
const readOnly = (page: Page, label: string) =>
  page.getByRole('textbox', { name: label, exact: true }).getAttribute('aria-readonly')

test('turns the annotator’s editors read-only as the lead finalizes while they type, and offers their unsent text', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const setup = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, peers)
  await completeWorkspace(fx.server, setup, id)
  const { user: annotator, hold } = await openHolding(ann.token, id)
  await annotator.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fx.server.url })
  const lead = await open(fx.server.leadToken, id)
  const { page } = annotator

  assert.is(await readOnly(page, 'Explanation'), null, 'writable before the finalize')
  await page.getByRole('textbox', { name: 'Explanation', exact: true }).click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(' Also: zq-typed-first')
  // What is typed from here on never reaches the server: the text the finalize leaves unsent.
  hold()
  const typing = page.keyboard.type(' zq-still-typing-while-the-lead-finalizes '.repeat(3), { delay: 25 })
  typing.catch(() => undefined) // a failed assertion below closes the page under it

  const finalized = lead.page.waitForResponse((r) => r.url().endsWith(`/api/tasks/${id}/finalize`))
  await lead.page.getByRole('button', { name: 'Finalize', exact: true }).click()
  assert.is((await finalized).status(), 200)
  const answeredAt = Date.now()
  await page.waitForFunction(
    () => document.querySelector('[aria-label="Explanation"]')?.getAttribute('aria-readonly') === 'true',
    undefined,
    { timeout: 10_000 },
  )
  // How fast is a figure, not a pass mark: a loaded machine may take longer than a quiet one.
  console.log(`  read-only ${Date.now() - answeredAt} ms after the finalize answered`)
  assert.is(await readOnly(page, 'Reference solution'), 'true')
  assert.is(await readOnly(page, 'Tests'), 'true')
  const atSwitch = await readText(page, roomName.workspace(id), WorkspaceRoot.explanation)
  await page.getByText('The ranking is read-only for you.').waitFor({ timeout: 10_000 })
  await page.getByText('Scores are read-only for you.').waitFor({ timeout: 10_000 })
  await page.getByRole('status').filter({ hasText: /finalized by Lead/ }).waitFor({ timeout: 10_000 })
  await typing
  assert.is(await readText(page, roomName.workspace(id), WorkspaceRoot.explanation), atSwitch, 'typing after the switch changes nothing')

  const unsent = page.getByRole('region', { name: 'Your unsent text' })
  // Offered once the server's state was read and lacks the refused keystrokes.
  await unsent.waitFor({ timeout: 10_000 })
  const kept = await unsent.getByRole('textbox', { name: 'Explanation' }).inputValue()
  assert.ok(kept.includes('zq-typed-first'), kept)
  assert.is(kept, await readText(page, roomName.workspace(id), WorkspaceRoot.explanation), 'the text as it was on screen')
  await unsent.getByRole('button', { name: 'Copy Explanation' }).click()
  await unsent.getByRole('button', { name: 'Copied' }).waitFor()
  assert.is(await page.evaluate(() => navigator.clipboard.readText()), kept)
  // the lead typed nothing, so the lead is offered nothing
  assert.is(await lead.page.getByRole('region', { name: 'Your unsent text' }).count(), 0)

  // Post as comment: while finalized the comments room is read-only too (docs/protocol.md#who-may-open-which-room), so
  // the button is disabled and says when it will work instead of pretending to post.
  const post = unsent.getByRole('button', { name: 'Post Explanation as comment' })
  assert.ok(await post.isDisabled(), 'not offered while comments are read-only')
  await unsent.getByRole('note').filter({ hasText: 'cannot be posted yet' }).waitFor()
  const reopened = lead.page.waitForResponse((r) => r.url().endsWith(`/api/tasks/${id}/reopen`))
  await lead.page.getByRole('button', { name: 'Reopen', exact: true }).click()
  assert.is((await reopened).status(), 200)
  // The offer outlives the reopen, and posting is now allowed.
  await waitFor(() => post.isEnabled(), 'Post as comment to be enabled after the reopen')
  assert.is(await unsent.getByRole('note').count(), 0, 'the read-only note is gone')
  // The editors take typing again, for the annotator and for the lead (who never wrote while
  // read-only, so its socket was given write back in place, with its old denial still on the page).
  for (const p of [page, lead.page]) {
    await p.waitForFunction(
      () => document.querySelector('[aria-label="Explanation"]')?.getAttribute('aria-readonly') !== 'true',
      undefined,
      { timeout: 5_000 },
    )
  }
  await post.click()
  await unsent.getByRole('button', { name: 'Explanation posted as a comment' }).waitFor()
  // The thread is on the whole task, quotes the text, and reaches the lead live.
  const leadThread = lead.page
    .getByRole('region', { name: 'Comments' })
    .getByRole('listitem', { name: 'Thread on Whole task' })
    .filter({ hasText: 'zq-typed-first' })
  await leadThread.waitFor({ timeout: 5_000 })
  const stored = readThreads((await fx.server.running.deps.rooms.open(roomName.comments(id))).doc)
  assert.is(stored.length, 1)
  assert.equal(stored[0].anchor, { kind: 'task' })
  assert.ok(stored[0].comments[0].body.includes(kept), 'the body holds the unsent text whole')
  assert.match(stored[0].comments[0].body, /^Text I had in Explanation when revision 1 was finalized/)
  assert.equal(annotator.errors.filter((e) => !/WebSocket|permission/i.test(e)), [])
})

test('lists the reasons finalize is refused next to the button, each taking the lead to what it names', async () => {
  const { id } = await reviewTask(fx.server)
  const lead = await open(fx.server.leadToken, id)
  const { page } = lead
  await page.getByRole('button', { name: 'Finalize', exact: true }).click()
  const reasons = page.getByRole('list', { name: 'Reasons finalize is refused' })
  await reasons.waitFor()
  const items = await reasons.getByRole('listitem').allTextContents()
  assert.ok(items.includes('Explanation is empty'), items.join(' | '))
  assert.ok(items.includes('Reference solution is empty'))
  assert.ok(items.some((t) => /candidate a has no Correctness score/.test(t)))
  await reasons.getByRole('button', { name: 'Explanation is empty' }).click()
  await page.locator('section', { has: page.getByRole('textbox', { name: 'Explanation', exact: true }) }).first().waitFor()

  const setup = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, peers)
  await completeWorkspace(fx.server, setup, id)
  await page.getByRole('button', { name: 'Finalize', exact: true }).click()
  await page.locator('.ws-bar .badge', { hasText: 'Finalized' }).waitFor()
  assert.is(await page.getByRole('button', { name: 'Finalize', exact: true }).count(), 0)
  await page.getByRole('button', { name: 'Reopen' }).waitFor()
})

test('shows each role its own buttons, lists why a submit is refused, reads only for the annotator once submitted, and shows every page the status and the lead’s message live', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const annotator = await open(ann.token, id)
  const reviewer = await open(rev.token, id)
  const lead = await open(fx.server.leadToken, id)
  assert.is(await reviewer.page.locator('.workflow-bar button').count(), 0, 'a reviewer gets no workflow buttons')
  assert.is(await annotator.page.getByRole('button', { name: 'Finalize', exact: true }).count(), 0)

  // Untouched work is not submitted: the reasons are listed next to the button, as finalize's are.
  await annotator.page.getByRole('button', { name: 'Submit', exact: true }).click()
  const reasons = annotator.page.getByRole('list', { name: 'Reasons submit is refused' })
  await reasons.waitFor()
  const items = await reasons.getByRole('listitem').allTextContents()
  assert.ok(items.includes('Explanation is empty'), items.join(' | '))
  assert.ok(items.some((t) => /candidate a has no Correctness score/.test(t)))
  assert.is(await annotator.page.locator('.ws-bar .badge', { hasText: 'Submitted' }).count(), 0)
  const setup = await syncedPeer(fx.server, roomName.workspace(id), ann.token, peers)
  await completeWorkspace(fx.server, setup, id)
  await annotator.page.getByRole('button', { name: 'Submit', exact: true }).click()
  for (const u of [annotator, reviewer, lead]) {
    await u.page.locator('.ws-bar .badge', { hasText: 'Submitted' }).waitFor({ timeout: 10_000 })
  }
  // Submitted work reads only for the annotator, and stays editable for the lead.
  await waitFor(async () => (await readOnly(annotator.page, 'Explanation')) === 'true', 'the annotator’s editor to turn read-only')
  assert.not.equal(await readOnly(lead.page, 'Explanation'), 'true')
  await lead.page.getByRole('button', { name: 'Request changes' }).click()
  await lead.page.getByRole('textbox', { name: 'What should change?' }).fill('Add a test for negative numbers.')
  await lead.page.getByRole('button', { name: 'Send back' }).click()
  for (const u of [annotator, reviewer]) {
    await u.page.getByRole('status').filter({ hasText: 'requested changes: Add a test for negative numbers.' }).waitFor({ timeout: 10_000 })
  }
  await annotator.page.getByRole('button', { name: 'Submit', exact: true }).waitFor()
  await waitFor(async () => (await readOnly(annotator.page, 'Explanation')) !== 'true', 'the annotator’s editor to be writable again')
})

test('tells an annotator plainly that their own submit made the task read-only, offers no text the server stored, and offers text that never reached it', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const room = roomName.workspace(id)
  const setup = await syncedPeer(fx.server, room, fx.server.leadToken, peers)
  await completeWorkspace(fx.server, setup, id)
  const annotator = await newUserPage(fx.browser, fx.server, ann.token)
  fx.users.push(annotator)
  const { page } = annotator
  // The page's own workspace socket can stop sending (a keystroke never acknowledged); every other
  // socket, the workspace's server-state read included, passes through.
  let holding = false
  let workspaceSockets = 0
  await page.routeWebSocket(/\/ws\/task%3A[A-Za-z0-9_-]+(\?|$)/, (ws) => {
    const upstream = ws.connectToServer()
    const first = ++workspaceSockets === 1
    ws.onMessage((m) => (first && holding ? undefined : upstream.send(m)))
  })
  const closed: string[] = []
  page.on('websocket', (ws) => ws.on('close', () => closed.push(ws.url())))
  const probesClosed = () => closed.filter((u) => /\/ws\/task%3A/.test(u)).length
  await page.goto(`/tasks/${id}`)
  await page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
  const lead = await open(fx.server.leadToken, id)
  const unsent = page.getByRole('region', { name: 'Your unsent text' })
  const submittedNotice = page.getByRole('status').filter({ hasText: 'You submitted this task; it is read-only until your lead sends it back or reopens it.' })

  // Typed, and held by the server (a stock peer reads it), then submitted.
  const explanation = page.getByRole('textbox', { name: 'Explanation', exact: true })
  await explanation.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(' zq-stored-before-submit')
  await page.getByRole('textbox', { name: 'Reference solution', exact: true }).click()
  await page.keyboard.type('// zq-solution-stored ')
  await waitFor(() => getWorkspace(setup.doc).explanation.toString().endsWith(' zq-stored-before-submit'), 'the explanation at the server')
  await waitFor(() => getWorkspace(setup.doc).solution.toString().includes('// zq-solution-stored '), 'the solution at the server')
  await page.getByRole('button', { name: 'Submit', exact: true }).click()
  await submittedNotice.waitFor({ timeout: 5_000 })
  assert.is(await readOnly(page, 'Explanation'), 'true')
  // The server's state was read and compared (that socket closed) before anything could be offered.
  await waitFor(() => probesClosed() >= 1, 'the read of the server state')
  assert.is(await unsent.count(), 0, 'nothing the server holds is offered as unsent')
  assert.is(await page.getByRole('alert').filter({ hasText: 'no longer edit' }).count(), 0, 'no accident banner')

  // Positive control: write comes back, a keystroke never reaches the server, then a submit.
  await lead.page.getByRole('button', { name: 'Request changes' }).click()
  await lead.page.getByRole('textbox', { name: 'What should change?' }).fill('One more line.')
  await lead.page.getByRole('button', { name: 'Send back' }).click()
  await waitFor(async () => (await readOnly(page, 'Explanation')) !== 'true', 'the editor to be writable again')
  await submittedNotice.waitFor({ state: 'detached' })
  holding = true
  await explanation.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(' zq-never-sent')
  await waitFor(async () => (await readText(page, room, WorkspaceRoot.explanation))?.endsWith(' zq-never-sent') ?? false, 'the keystrokes on the page')
  const before = probesClosed()
  await page.getByRole('button', { name: 'Submit', exact: true }).click()
  await submittedNotice.waitFor({ timeout: 5_000 })
  await unsent.waitFor({ timeout: 10_000 })
  await waitFor(() => probesClosed() > before, 'the read of the server state')
  assert.match(await unsent.getByRole('textbox', { name: 'Explanation' }).inputValue(), /zq-never-sent$/)
  assert.is(await unsent.getByRole('textbox', { name: 'Reference solution' }).count(), 0, 'the stored field is not offered')
  assert.not.ok(getWorkspace(setup.doc).explanation.toString().includes('zq-never-sent'), 'the server never got it')
})

test('tells the lead who finalized that the task is finalized and that Reopen gives the editors back', async () => {
  const { id } = await reviewTask(fx.server)
  const setup = await syncedPeer(fx.server, roomName.workspace(id), fx.server.leadToken, peers)
  await completeWorkspace(fx.server, setup, id)
  const lead = await open(fx.server.leadToken, id)
  assert.is(await readOnly(lead.page, 'Explanation'), null, 'writable before the finalize')
  await lead.page.getByRole('button', { name: 'Finalize', exact: true }).click()
  await lead.page.locator('.ws-bar .badge', { hasText: 'Finalized' }).waitFor({ timeout: 5_000 })
  const notice = lead.page.locator('.ws-readonly')
  await notice.filter({ hasText: 'This task is finalized, so it is read-only. Reopen gives the editors back.' }).waitFor({ timeout: 5_000 })
  const text = (await notice.allTextContents()).join(' ')
  assert.not.match(text, /being finalized/, text)
  assert.not.match(text, /your lead/i, text)
  assert.is(await lead.page.getByRole('region', { name: 'Your unsent text' }).count(), 0)
  await lead.page.getByRole('button', { name: 'Reopen', exact: true }).waitFor()
})

test.run()
