/** The task queue in a browser: live presence, progress on refocus, filters in the URL, keyboard. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { connectPeer } from '../helpers/peer'
import type { Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'

const queue = suite('queue')

const fx = browserFixture(queue)
let peers: Peer[] = []
queue.after.each(() => {
  peers.forEach((p) => p.destroy())
  peers = []
})

async function setup() {
  const s = fx.server
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  await importTasks(s, [taskLine('q-1'), taskLine('q-2')].join('\n'), 'alpha')
  await importTasks(s, [taskLine('q-3'), taskLine('q-4')].join('\n'), 'beta')
  for (const id of ['q-1', 'q-2', 'q-3']) await assign(s, id, [ada.id, grace.id])
  const user = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(user)
  return { ada, grace, user }
}

const rowOf = (user: UserPage, taskId: string) => user.page.locator(`tr[data-task="${taskId}"]`)

queue('shows who is in each room live and the progress after the window regains focus', async () => {
  const { grace, user } = await setup()
  const { page } = user
  const table = page.getByRole('table', { name: 'Your tasks' })
  await table.waitFor()
  await waitFor(async () => (await page.locator('tr[data-task]').count()) === 3, 'three assigned tasks')
  assert.is(await rowOf(user, 'q-4').count(), 0, 'an unassigned task is not listed')
  assert.match(await rowOf(user, 'q-1').innerText(), /Nobody/)

  const peer = connectPeer(fx.server.wsUrl, roomName.workspace('q-1'), grace.token)
  peers.push(peer)
  await rowOf(user, 'q-1').getByText('Grace Hopper').waitFor({ timeout: 10_000 })

  await waitFor(() => peer.provider.synced, 'the peer to sync')
  const ws = getWorkspace(peer.doc)
  peer.doc.transact(() => {
    // Every candidate placed, deliberately in the import order: that counts as ranked.
    ws.ranking.push(['a', 'b', 'c'])
    ws.ratings.get('a')!.set('correctness', 4)
  })
  // Relayed means stored, and a room's change hooks (live progress) run before it relays.
  const watcher = connectPeer(fx.server.wsUrl, roomName.workspace('q-1'), fx.server.leadToken)
  try {
    await waitFor(() => getWorkspace(watcher.doc).ranking.length === 3, 'the ranking relayed by the server')
  } finally {
    watcher.destroy()
  }
  await page.evaluate(() => window.dispatchEvent(new Event('focus')))
  await rowOf(user, 'q-1').getByText('Ranked', { exact: true }).waitFor({ timeout: 10_000 })
  assert.match(await rowOf(user, 'q-1').innerText(), /Scores 1\/9/)

  peer.destroy()
  peers = []
  await rowOf(user, 'q-1').getByText('Grace Hopper').waitFor({ state: 'detached', timeout: 10_000 })
  assert.equal(user.errors, [], 'console errors')
})

queue('filters by batch and status, keeps the filters in the URL, and moves by keyboard', async () => {
  const { user } = await setup()
  const { page } = user
  await page.getByRole('table', { name: 'Your tasks' }).waitFor()
  await waitFor(async () => (await page.locator('tr[data-task]').count()) === 3, 'three tasks')

  await page.getByLabel('Batch').selectOption('beta')
  await waitFor(async () => (await page.locator('tr[data-task]').count()) === 1, 'one beta task')
  assert.match(page.url(), /[?&]batch=beta/)
  await page.reload()
  await page.getByRole('table', { name: 'Your tasks' }).waitFor()
  await waitFor(async () => (await page.locator('tr[data-task]').count()) === 1, 'the filter after reload')
  assert.is(await page.getByLabel('Batch').inputValue(), 'beta')
  assert.is(await rowOf(user, 'q-3').count(), 1)

  await page.getByLabel('Status').selectOption('finalized')
  await page.getByText('No tasks match these filters.').waitFor()
  assert.match(page.url(), /status=finalized/)
  await page.getByLabel('Status').selectOption('')
  await page.getByLabel('Batch').selectOption('')
  await waitFor(async () => (await page.locator('tr[data-task]').count()) === 3, 'all tasks again')
  assert.not.match(page.url(), /batch=|status=/)

  // j from nowhere enters the table; ↓ and k move; Enter opens the focused task.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.keyboard.press('j')
  const focused = () => page.evaluate(() => document.activeElement?.closest('tr')?.dataset.task)
  assert.is(await focused(), 'q-1')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('j')
  assert.is(await focused(), 'q-3')
  await page.keyboard.press('k')
  assert.is(await focused(), 'q-2')
  await page.keyboard.press('Enter')
  await page.waitForURL(/\/tasks\/q-2$/)
  assert.equal(user.errors, [], 'console errors')
})

queue.run()
