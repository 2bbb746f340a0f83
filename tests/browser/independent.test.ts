/**
 * Independent mode end to end in Chromium: two annotators rank alone in private ballots, neither
 * sees the other's, the lead watches agreement change live, merges, and reads the batch's charts.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'

const independent = suite('independent mode')
const fx = browserFixture(independent)
const TASK = 'ind-1'
const WAIT = 20_000

const pool = (page: Page) => page.getByRole('list', { name: 'Unranked' })
const poolItem = (page: Page, id: string) => pool(page).locator(`[data-candidate="${id}"]`)
const cell = (page: Page, candidate: string) =>
  page.getByRole('gridcell', { name: `Overall for candidate ${candidate}`, exact: true })

/** The rooms a page has open, from the test hook. */
const openRooms = (page: Page) => page.evaluate(() => [...(window.__codejury?.docs.keys() ?? [])])
/** The `ranking` array of an open room in a page, or null when the page does not have it. */
const rankingIn = (page: Page, room: string) =>
  page.evaluate((room) => window.__codejury?.docs.get(room)?.getArray<string>('ranking').toArray() ?? null, room)

async function waitForRanking(page: Page, room: string, want: string[]) {
  await waitFor(async () => JSON.stringify(await rankingIn(page, room)) === JSON.stringify(want), `${room} ranking ${want}`, WAIT)
}

/** Places pool candidates with Enter in the order given (focus stays in the pool). */
async function place(page: Page, ids: string[]) {
  for (const id of ids) {
    await poolItem(page, id).focus()
    await page.keyboard.press('Enter')
  }
}

/** Scores every candidate on the one criterion from the keyboard. */
async function score(page: Page, scores: Record<string, string>) {
  for (const [candidate, key] of Object.entries(scores)) {
    await cell(page, candidate).focus()
    await page.keyboard.press(key)
  }
}

const meanTau = (page: Page) => page.getByTestId('mean-tau').innerText()

independent('annotators rank alone, the lead sees agreement change live and merges the ballots', async () => {
  const s = fx.server
  await importTasks(s, taskLine(TASK), 'indie')
  const db = s.running.deps.db
  const batch = db.batch('indie')!
  // the batches route is another change: the batch record is set up directly
  await db.putBatch({ ...batch, mode: 'independent', rubric: [{ id: 'overall', name: 'Overall', description: 'How good is it overall?', min: 1, max: 5 }] })
  const adaUser = await createUser(s, 'Ada Lovelace', 'annotator')
  const graceUser = await createUser(s, 'Grace Hopper', 'annotator')
  await assign(s, TASK, [adaUser.id, graceUser.id])
  const open = async (token: string): Promise<UserPage> => {
    const u = await newUserPage(fx.browser, s, token)
    fx.users.push(u)
    await u.page.goto(`/tasks/${TASK}`)
    return u
  }
  const [ada, grace, lead] = [await open(adaUser.token), await open(graceUser.token), await open(s.leadToken)]
  const adaBallot = roomName.ballot(TASK, adaUser.id)
  const graceBallot = roomName.ballot(TASK, graceUser.id)

  for (const u of [ada, grace]) await u.page.getByRole('heading', { name: 'Your ballot' }).waitFor({ timeout: WAIT })
  await lead.page.getByRole('heading', { name: 'Agreement' }).waitFor({ timeout: WAIT })
  assert.is(await lead.page.getByRole('heading', { name: 'Your ballot' }).count(), 0)
  assert.is(await meanTau(lead.page), '—')

  await place(ada.page, ['a', 'b', 'c'])
  await waitForRanking(ada.page, adaBallot, ['a', 'b', 'c'])
  await place(grace.page, ['b', 'a'])
  // over the two candidates both placed, they disagree
  await waitFor(async () => (await meanTau(lead.page)) === '−1.00', 'the lead to see tau-b −1.00', WAIT)
  await place(grace.page, ['c'])
  // a,b,c against b,a,c: two concordant pairs, one discordant
  await waitFor(async () => (await meanTau(lead.page)) === '0.33', 'the lead to see tau-b 0.33', WAIT)
  assert.is(await lead.page.getByTestId('top1').innerText(), '0%')
  assert.match(await lead.page.getByTestId('splits').innerText(), /Candidate a or b: Ada Lovelace prefers a; Grace Hopper prefers b/)

  // Private: neither annotator's page holds the other's ballot or sees it in the shared ranking,
  // while each holds their own (the positive control), and the lead reads both.
  for (const [u, own, other] of [[ada, adaBallot, graceBallot], [grace, graceBallot, adaBallot]] as const) {
    const rooms = await openRooms(u.page)
    assert.ok(rooms.includes(own), `${own} is open in its owner's page`)
    assert.not.ok(rooms.includes(other), `${other} must not be open in another annotator's page`)
    assert.equal(await rankingIn(u.page, roomName.workspace(TASK)), [])
  }
  assert.equal(await rankingIn(lead.page, graceBallot), ['b', 'a', 'c'])

  // Submitting needs every score; then both submit.
  const submit = (u: UserPage) => u.page.getByRole('button', { name: 'Submit ballot' })
  assert.ok(await submit(ada).isDisabled(), 'an unscored ballot cannot be submitted')
  await score(ada.page, { a: '4', b: '3', c: '2' })
  await score(grace.page, { a: '4', b: '3', c: '2' })
  for (const u of [ada, grace]) {
    await waitFor(() => submit(u).isEnabled(), 'Submit ballot to be enabled', WAIT)
    await submit(u).click()
    await u.page.getByText(/Ballot submitted/).waitFor({ timeout: WAIT })
  }
  await lead.page.getByText('2 of 2 submitted').waitFor({ timeout: WAIT })

  // Merge: a and b tie on Borda points (3 each); a's mean rating is higher.
  await lead.page.getByRole('button', { name: 'Merge ballots' }).click()
  await waitForRanking(lead.page, roomName.workspace(TASK), ['a', 'b', 'c'])
  // the annotators leave their ballots for the team's shared ranking
  for (const u of [ada, grace]) {
    await waitForRanking(u.page, roomName.workspace(TASK), ['a', 'b', 'c'])
    await waitFor(async () => (await u.page.getByRole('heading', { name: 'Your ballot' }).count()) === 0, 'the ballot to give way', WAIT)
  }
  // a second merge asks before it overwrites what is placed
  await lead.page.getByRole('button', { name: 'Merge ballots' }).click()
  await lead.page.getByRole('button', { name: 'Replace shared ranking' }).waitFor({ timeout: WAIT })

  // The dashboard's statistics: alpha over the two complete ballots, charts with text alternatives.
  await lead.page.goto('/lead?batch=indie')
  await lead.page.getByTestId('alpha').getByText('0.58').waitFor({ timeout: WAIT })
  const agreement = lead.page.getByRole('group', { name: /Agreement per task: mean tau-b of 1 tasks, lowest 0\.33 on ind-1/ })
  await agreement.waitFor({ timeout: WAIT })
  await agreement.locator('canvas').first().waitFor({ timeout: WAIT })
  assert.ok(await lead.page.getByRole('group', { name: /Hours per annotator per day/ }).isVisible())
  for (const u of [ada, grace, lead]) assert.equal(u.errors, [], 'no console errors')
})

independent('the lead’s agreement view follows assignments made while it is open', async () => {
  const s = fx.server
  await importTasks(s, taskLine('ind-2'), 'indie2')
  const db = s.running.deps.db
  await db.putBatch({ ...db.batch('indie2')!, mode: 'independent' })
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  const grace = await createUser(s, 'Grace Hopper', 'annotator')
  await assign(s, 'ind-2', [ada.id])
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  await lead.page.goto('/tasks/ind-2')
  const row = (id: string) => lead.page.locator(`tr[data-ballot="${id}"]`)
  await row(ada.id).getByText('Ada Lovelace').waitFor({ timeout: WAIT })
  assert.is(await row(grace.id).count(), 0, 'Grace is not assigned yet')
  await assign(s, 'ind-2', [ada.id, grace.id])
  await row(grace.id).getByText('Grace Hopper').waitFor({ timeout: WAIT })
  await lead.page.getByText('0 of 2 submitted').waitFor({ timeout: WAIT })
  await waitFor(async () => (await openRooms(lead.page)).includes(roomName.ballot('ind-2', grace.id)), "Grace's ballot to open", WAIT)
  await assign(s, 'ind-2', [grace.id])
  await waitFor(async () => (await row(ada.id).count()) === 0, 'Ada’s row to go once she is unassigned', WAIT)
  assert.ok(await row(grace.id).isVisible(), 'control: Grace stays')
  await waitFor(async () => !(await openRooms(lead.page)).includes(roomName.ballot('ind-2', ada.id)), 'Ada’s ballot room to close', WAIT)
  assert.equal(lead.errors, [], 'no console errors')
})

independent.run()
