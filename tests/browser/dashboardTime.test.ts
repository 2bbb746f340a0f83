/** The lead's dashboard shows time on task per person, and it follows the work without a reload. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { connectPeer } from '../helpers/peer'
import type { Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'

const dashboardTime = suite('dashboardTime')
const fx = browserFixture(dashboardTime)
let peers: Peer[] = []
dashboardTime.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

const cell = (page: Page, id: string) => page.locator(`tr[data-task="${id}"]`).getByRole('list', { name: 'Time on task' })
const cellText = (page: Page, id: string) => cell(page, id).innerText({ timeout: 500 }).catch(() => '')

dashboardTime('shows each annotator’s active time on the task and updates it as they work', async () => {
  const s = fx.server
  await importTasks(s, [taskLine('d1'), taskLine('d2')].join('\n'), 'dash')
  const ann = await createUser(s, 'Ann Example', 'annotator')
  const bob = await createUser(s, 'Bob Example', 'annotator')
  await assign(s, 'd1', [ann.id, bob.id])
  // Ann's session as the server measured it: 90 s of activity a few minutes ago.
  const activity = s.running.deps.activity
  const t0 = Date.now()
  activity.note(ann.id, 'd1', t0 - 110_000)
  activity.note(ann.id, 'd1', t0 - 20_000)

  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  await lead.page.goto('/lead')
  await waitFor(async () => /Ann Example: 1 min/.test(await cellText(lead.page, 'd1')), 'Ann’s 1 min on d1', 10_000)
  // The other task: nobody worked on it, and it says so rather than showing a zero.
  await waitFor(async () => /None yet/.test(await lead.page.locator('tr[data-task="d2"]').innerText()), 'd2 to say none yet')

  // Ann keeps working (another 60+ s), and Bob opens the task: the page follows, with no reload.
  activity.note(ann.id, 'd1', Date.now() + 45_000)
  const b = connectPeer(s.wsUrl, roomName.workspace('d1'), bob.token)
  peers.push(b)
  await waitFor(async () => /Ann Example: 2 min/.test(await cellText(lead.page, 'd1')), 'Ann’s time to grow to 2 min', 10_000)
  assert.match(await cellText(lead.page, 'd1'), /^Ann Example: 2 min/, 'most time first')
  assert.equal(lead.errors, [])
})

dashboardTime.run()
