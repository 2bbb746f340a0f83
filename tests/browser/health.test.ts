/** The lead's dashboard shows storage problems live: damaged files kept aside, failing stores. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { getWorkspace } from '../../shared/schema'
import { roomName } from '../../shared/roomNames'
import { importTasks, startServer, taskLine, tempDir } from '../helpers/server'
import type { TestServer } from '../helpers/server'
import { launchBrowser, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { connectPeer } from '../helpers/peer'
import type { Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'

const test = suite('health on the dashboard')
let dataDir = ''
let servers: TestServer[] = []
let peers: Peer[] = []
let users: UserPage[] = []
let browser: Browser | null = null

test.before.each(async () => {
  dataDir = tempDir('codejury-health-')
  browser = await launchBrowser()
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  await Promise.allSettled(users.map((u) => u.close()))
  await browser?.close()
  for (const s of servers) await s.stop()
  peers = []
  users = []
  servers = []
  browser = null
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const serve = async () => {
  const s = await startServer({ dataDir })
  servers.push(s)
  return s
}
/** A stock client in task t1's workspace: joining loads the room, and with it its files. */
const openRoom = async (s: TestServer) => {
  const p = connectPeer(s.wsUrl, roomName.workspace('t1'), s.leadToken)
  peers.push(p)
  await waitFor(() => p.provider.synced, 'the room to load')
  return p
}
/** Server 1 writes task t1's room with an edit, then stops: the room's snapshot is on disk. */
const roomOnDisk = async () => {
  const s1 = await serve()
  await importTasks(s1, taskLine('t1'))
  const p = await openRoom(s1)
  getWorkspace(p.doc).explanation.insert(0, 'an edit')
  await waitFor(() => fs.existsSync(path.join(dataDir, 'rooms', 't1', 'workspace.log')), 'the append')
  p.destroy()
  peers = []
  await s1.stop()
  servers = []
  return path.join(dataDir, 'rooms', 't1', 'workspace.snap')
}
const leadDashboard = async (s: TestServer) => {
  const lead = await newUserPage(browser!, s, s.leadToken)
  users.push(lead)
  await lead.page.goto('/lead')
  await lead.page.locator('tr[data-task="t1"]').waitFor({ timeout: 10_000 })
  return lead
}
const alert = (page: Page) => page.getByRole('alert').filter({ hasText: 'Storage problems' })
/** Resolves after the page has read `/api/health` once more (the poll runs every few seconds). */
const nextHealthRead = (page: Page) => page.waitForResponse((r) => r.url().endsWith('/api/health'), { timeout: 10_000 })

test('shows a damaged snapshot kept aside once its room loads, with no reload', async () => {
  const snap = await roomOnDisk()
  const bytes = fs.readFileSync(snap)
  bytes[12] ^= 0x04
  fs.writeFileSync(snap, bytes)
  const s2 = await serve()
  const lead = await leadDashboard(s2)
  await nextHealthRead(lead.page)
  assert.is(await alert(lead.page).count(), 0, 'nothing is known before the room loads')

  await openRoom(s2)
  await alert(lead.page).waitFor({ timeout: 10_000 })
  const text = await alert(lead.page).innerText()
  assert.match(text, 'Damaged file')
  assert.match(text, 'rooms/t1/workspace.snap')
  assert.match(text, 'corrupt-snapshot')
  assert.match(text, roomName.workspace('t1'))
  assert.match(text, /kept as rooms\/t1\/\S+/)
  assert.equal(lead.errors, [])
})

test('shows no alert on a healthy server whose room loads (control)', async () => {
  await roomOnDisk()
  const s2 = await serve()
  const lead = await leadDashboard(s2)
  await openRoom(s2)
  // two reads after the room loaded: the dashboard has seen what the server knows
  await nextHealthRead(lead.page)
  await nextHealthRead(lead.page)
  assert.is(await alert(lead.page).count(), 0)
  assert.is(await lead.page.getByRole('alert').count(), 0, 'no alert of any kind')
  assert.equal(lead.errors, [])
})

test.run()
