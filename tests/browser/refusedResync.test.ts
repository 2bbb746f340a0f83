/**
 * A write the server refused while the workspace was read-only never lingers on one screen: when
 * write comes back, the page reloads the room from the server and offers the refused text.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import { roomName } from '../../shared/roomNames'
import { getWorkspace, WorkspaceRoot } from '../../shared/schema'
import { browserFixture, newUserPage, readText, waitForText } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { act, completeWorkspace, reviewTask, syncedPeer } from '../helpers/review'
import { waitFor } from '../helpers/waitFor'
import { onPermissionDenied } from '../../client/sync/permissionDenied'

const TESTS = 'def test_add():\n    assert add(1, 2) == 3\n'

const test = suite('browser refused resync')
const fx = browserFixture(test)
const peers: Peer[] = []
test.after.each(() => peers.splice(0).forEach((p) => p.destroy()))

const editorReadOnly = (page: Page, ro: boolean) =>
  page.waitForFunction(
    (ro) => (document.querySelector('[aria-label="Tests"]')?.getAttribute('aria-readonly') === 'true') === ro,
    ro,
    { timeout: 5_000 },
  )

/** Marks the doc `room` of `page`, so a later look says whether it is still the same Y.Doc. */
const mark = (page: Page, room: string) =>
  page.evaluate((room) => void ((window.__codejury!.docs.get(room) as unknown as { mark: boolean }).mark = true), room)
const sameDoc = (page: Page, room: string) =>
  page.evaluate((room) => (window.__codejury?.docs.get(room) as unknown as { mark?: boolean } | undefined)?.mark === true, room)

test('reloads the workspace from the server when write comes back after a refused keystroke, offers the refused text, and takes edits next to it', async () => {
  const s = fx.server
  const { id, ann } = await reviewTask(s)
  const room = roomName.workspace(id)
  const watcher = await syncedPeer(s, room, s.leadToken, peers)
  onPermissionDenied(watcher.provider, () => {}) // the stock handler logs the URL, token included
  await completeWorkspace(s, watcher, id, { tests: TESTS })
  // The annotator's page and the lead's, each in the task's workspace and connected.
  const [page, leadPage] = await Promise.all(
    [ann.token, s.leadToken].map(async (token) => {
      const user = await newUserPage(fx.browser, s, token)
      fx.users.push(user)
      await user.page.goto(`/tasks/${id}`)
      await user.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
      return user.page
    }),
  )

  assert.is((await act(s, s.leadToken, id, 'finalize')).status, 200)
  await editorReadOnly(page, true)
  // A keystroke that was in flight as the task turned read-only: a local edit on the page's doc,
  // sent on a connection the server no longer lets write.
  const clientId = await page.evaluate(
    ([room, root]) => {
      const doc = window.__codejury!.docs.get(room)!
      doc.getText(root).insert(4, 'zq-refused ')
      return doc.clientID
    },
    [room, WorkspaceRoot.tests] as const,
  )
  // The server seals what it refused and relays the seal: the watcher holds the clocks, not the text.
  await waitFor(() => (Y.decodeStateVector(Y.encodeStateVector(watcher.doc)).get(clientId) ?? 0) > 0, 'the seal of the refused keystroke')
  assert.is(getWorkspace(watcher.doc).tests.toString(), TESTS, 'the refused text reached nobody')
  assert.ok((await readText(page, room, WorkspaceRoot.tests))?.includes('zq-refused'), 'the page still shows it')
  await mark(page, room)
  await mark(leadPage, room)

  assert.is((await act(s, s.leadToken, id, 'reopen')).status, 200)
  await editorReadOnly(page, false)
  // The annotator's page holds the room's text again, from a new doc loaded from the server.
  await page.waitForFunction(
    ([room, root, want]) => window.__codejury?.docs.get(room)?.getText(root).toString() === want,
    [room, WorkspaceRoot.tests, TESTS] as const,
    { timeout: 10_000 },
  )
  assert.is(await sameDoc(page, room), false, 'the annotator has a fresh doc')
  // Control: the lead wrote nothing while read-only, so its page keeps its doc and its socket.
  assert.is(await sameDoc(leadPage, room), true, 'the lead keeps the doc it had')

  const unsent = page.getByRole('region', { name: 'Your unsent text' })
  await unsent.waitFor({ timeout: 5_000 })
  assert.match(await unsent.getByRole('textbox', { name: 'Tests' }).inputValue(), /zq-refused/)
  assert.is(await leadPage.getByRole('region', { name: 'Your unsent text' }).count(), 0, 'the lead is offered nothing')

  // An edit where the refused text stood reaches the room and the other page.
  const editor = page.locator('.cm-content[aria-label="Tests"]')
  await editor.click()
  await page.keyboard.press('Control+Home')
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight')
  await page.keyboard.type('zq-after ')
  const after = `def zq-after ${TESTS.slice(4)}`
  await waitFor(() => getWorkspace(watcher.doc).tests.toString() === after, 'the new edit at the watcher')
  await waitForText(leadPage, room, WorkspaceRoot.tests, ['def zq-after test_add'])
  assert.is(await readText(page, room, WorkspaceRoot.tests), after)
})

test.run()
