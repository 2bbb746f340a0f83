/** A workspace opened once reloads with no network at all, keeps its edits, and merges them. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { WorkspaceRoot } from '../../shared/schema'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage, readText, waitForText } from '../helpers/browser'
import { networkSwitch } from '../helpers/network'

const offlineReload = suite('offline reload')

const fx = browserFixture(offlineReload)

function syncState(page: Page, state: string) {
  return page.locator(`[data-testid="sync-status"][data-state="${state}"]`).waitFor({ timeout: 20_000 })
}

offlineReload('reloads a workspace with the network off, keeps the edits and says how many merged', async () => {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  const { ids } = await importTasks(s, taskLine('reload-1'), 'offline')
  await assign(s, ids[0], [ada.id, grace.id])
  const room = roomName.workspace(ids[0])
  const a = await newUserPage(fx.browser, s, ada.token)
  const b = await newUserPage(fx.browser, s, grace.token)
  fx.users.push(a, b)
  const net = await networkSwitch(a.context)
  await Promise.all([a.page.goto(`/tasks/${ids[0]}`), b.page.goto(`/tasks/${ids[0]}`)])
  await syncState(a.page, 'connected')
  await syncState(b.page, 'connected')
  // The service worker takes over the first visit and caches the shell and the two API reads.
  await a.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 })
  await a.page.waitForFunction(
    async (task) => {
      const cache = await caches.open('codejury-api')
      return Boolean((await cache.match('/api/me')) && (await cache.match(`/api/tasks/${task}`)))
    },
    ids[0],
    { timeout: 20_000 },
  )

  await net.offline({ http: true })
  await syncState(a.page, 'offline')
  // Two edits: a paragraph typed into the Explanation (26 keystrokes), then a line of Tests.
  await a.page.getByRole('textbox', { name: 'Explanation', exact: true }).click()
  await a.page.keyboard.type('Typed offline.')
  await a.page.keyboard.press('Enter')
  await a.page.keyboard.type('Second line.')
  await a.page.getByRole('textbox', { name: 'Tests', exact: true }).click()
  await a.page.keyboard.press('Control+End')
  await a.page.keyboard.type('# offline test')
  await a.page.getByTestId('sync-status').getByText('2 unsent edits').waitFor()
  // y-indexeddb commits each update in its own transaction; wait until the cache holds the text.
  await a.page.waitForFunction(
    (name) =>
      new Promise<boolean>((resolve) => {
        const req = indexedDB.open(name)
        req.onsuccess = () => {
          const db = req.result
          const tx = db.transaction('updates', 'readonly')
          const count = tx.objectStore('updates').count()
          count.onsuccess = () => resolve(count.result > 0)
          count.onerror = () => resolve(false)
        }
        req.onerror = () => resolve(false)
      }),
    `${ada.id}:${room}`,
  )
  const before = await a.page.getByTestId('sync-status').textContent()

  // The reload goes nowhere near the server: the app, the session and the task come from caches.
  await a.page.reload()
  await a.page.getByRole('textbox', { name: 'Explanation', exact: true }).waitFor({ timeout: 20_000 })
  await waitForText(a.page, room, WorkspaceRoot.explanation, ['Typed offline.', 'Second line.'])
  await syncState(a.page, 'offline')
  assert.is(await a.page.getByTestId('sync-status').textContent(), before, 'the unsent count survives')
  assert.not.ok((await readText(b.page, room, WorkspaceRoot.explanation))?.includes('Typed offline'))

  await net.online()
  await syncState(a.page, 'connected')
  await waitForText(b.page, room, WorkspaceRoot.explanation, ['Typed offline.', 'Second line.'])
  await waitForText(b.page, room, WorkspaceRoot.tests, ['# offline test'])
  const notice = a.page.getByTestId('merge-notice')
  await notice.waitFor({ timeout: 20_000 })
  assert.match((await notice.textContent()) ?? '', /Back online — your 2 offline edits were merged/)
  // What the network being off causes: failed loads and fetches (the runner warming Pyodide too), the socket.
  const offlineErrors = /ERR_INTERNET_DISCONNECTED|Failed to load resource|Failed to fetch|WebSocket/
  assert.equal(a.errors.filter((e) => !offlineErrors.test(e)), [], 'console errors in Ada\'s page')
  assert.equal(b.errors, [], 'console errors in Grace\'s page')
})

offlineReload.run()
