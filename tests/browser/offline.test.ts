/** Working offline: edits kept in IndexedDB, merged on reconnect, and caches wiped at sign-out. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { WorkspaceRoot } from '../../shared/schema'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, readText, waitForText } from '../helpers/browser'
import { networkSwitch } from '../helpers/network'

const offline = suite('offline')

const fx = browserFixture(offline)

async function setup(taskId: string) {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  const { ids } = await importTasks(s, taskLine(taskId), 'offline')
  await assign(s, ids[0], [ada.id, grace.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  const b = await newUserPage(fx.browser, s, grace.token)
  fx.users.push(a, b)
  const net = await networkSwitch(a.context)
  await Promise.all([a.page.goto(`/tasks/${ids[0]}`), b.page.goto(`/tasks/${ids[0]}`)])
  await syncState(a.page, 'connected')
  await syncState(b.page, 'connected')
  return { ada, room: roomName.workspace(ids[0]), taskId: ids[0], a, b, net }
}

function syncState(page: Page, state: string) {
  return page
    .locator(`[data-testid="sync-status"][data-state="${state}"]`)
    .waitFor({ timeout: 15_000 })
}

async function typeAtEnd(page: Page, label: string, text: string): Promise<void> {
  await page.getByRole('textbox', { name: label, exact: true }).click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
}

offline('merges edits made offline with edits made meanwhile by others', async () => {
  const { room, a, b, net } = await setup('off-1')
  const root = WorkspaceRoot.explanation
  await typeAtEnd(a.page, 'Explanation', 'Shared start. ')
  await waitForText(b.page, room, root, ['Shared start.'])

  await net.offline()
  await syncState(a.page, 'offline')
  await typeAtEnd(a.page, 'Explanation', 'Ada wrote this offline. ')
  await typeAtEnd(a.page, 'Tests', '\n# ada offline test\n')
  await typeAtEnd(b.page, 'Explanation', 'Grace wrote this online.')
  await waitForText(b.page, room, root, ['Grace wrote this online.'])
  await a.page.getByTestId('sync-status').getByText(/unsent edit/).waitFor()
  // Really apart: neither side has the other's new text yet.
  assert.not.ok((await readText(b.page, room, root))?.includes('offline'))
  assert.not.ok((await readText(a.page, room, root))?.includes('Grace'))

  await net.online()
  await syncState(a.page, 'connected')
  const all = ['Shared start.', 'Ada wrote this offline.', 'Grace wrote this online.']
  await waitForText(a.page, room, root, all)
  await waitForText(b.page, room, root, all)
  await waitForText(b.page, room, WorkspaceRoot.tests, ['# ada offline test', 'def test_add'])
  assert.is(await readText(a.page, room, root), await readText(b.page, room, root))

  const notice = a.page.getByTestId('merge-notice')
  await notice.waitFor()
  const said = (await notice.textContent()) ?? ''
  assert.match(said, /Back online — your \d+ offline edits were merged/)
  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

offline('keeps offline edits across a reload and sends them on reconnect', async () => {
  const { ada, room, a, b, net } = await setup('off-2')
  const root = WorkspaceRoot.explanation
  await net.offline()
  await syncState(a.page, 'offline')
  await typeAtEnd(a.page, 'Explanation', 'Written offline, then reloaded.')
  // y-indexeddb writes each update in its own transaction; let the last one commit.
  await a.page.waitForTimeout(500)

  await a.page.reload()
  await syncState(a.page, 'offline')
  await waitForText(a.page, room, root, ['Written offline, then reloaded.'])
  const caches = await a.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))
  assert.ok(caches.includes(`${ada.id}:${room}`), `cache named <userId>:<room> in ${caches}`)

  await net.online()
  await syncState(a.page, 'connected')
  await waitForText(b.page, room, root, ['Written offline, then reloaded.'])

  assert.equal(a.errors, [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')

  // Sign-out removes every cached workspace from this browser.
  await a.page.getByRole('button', { name: 'Sign out' }).click()
  await a.page.getByRole('heading', { name: /sign in/i }).waitFor()
  const left = await a.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))
  assert.equal(left.filter((name) => name?.includes('task:')), [])
  // The signed-out page's `GET /api/me` answers 401 by design; Chromium logs that as a failed
  // resource. It is the only console line allowed after sign-out.
  const expected401 = /Failed to load resource: .* 401 \(Unauthorized\)/
  const unexpected = a.errors.filter((e) => !expected401.test(e))
  assert.equal(unexpected, [], 'console errors in Ada\'s page after sign-out')
})

offline.run()
