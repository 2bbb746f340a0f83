/**
 * The agreement chart and table at 3,000 tasks in Chromium: the chart draws at most 100 bars (the
 * lowest agreement), the table shows 100 rows and "Show more" adds the rest; a small batch shows
 * every task.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { makeIndependent, seedBallots } from '../helpers/seedBallots'
import { waitFor } from '../helpers/waitFor'

const test = suite('agreement bounds')
const fx = browserFixture(test)
const WAIT = 20_000

const id = (i: number) => `big-${String(i).padStart(4, '0')}`
/** Second ballots by task index: identical (tau 1), one swap (1/3), reversed (−1). */
const SECOND = [['a', 'b', 'c'], ['a', 'c', 'b'], ['c', 'b', 'a']]

test('a batch of 3,000 tasks with 150 compared draws 100 bars and pages its table 100 rows at a time', async () => {
  const s = fx.server
  await importTasks(s, Array.from({ length: 3000 }, (_v, i) => taskLine(id(i))).join('\n'), 'big')
  await makeIndependent(s, 'big')
  const ann = await createUser(s, 'Ann', 'annotator')
  const bea = await createUser(s, 'Bea', 'annotator')
  for (let i = 0; i < 150; i++) await seedBallots(s, id(i * 20), [ann, bea], [['a', 'b', 'c'], SECOND[i % 3]])

  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  await lead.page.setViewportSize({ width: 1440, height: 900 })
  await lead.page.goto('/lead?batch=big')
  const group = lead.page.getByRole('group', { name: /Agreement per task: mean tau-b of 150 tasks \(the 100 lowest of 150 drawn\), lowest −1\.00 on big-0040\./ })
  await group.waitFor({ timeout: WAIT })
  await lead.page.getByTestId('agreement-bars').getByText('The 100 tasks of lowest agreement, of 150 with two ballots to compare').waitFor({ timeout: WAIT })
  // The bars are the 50 reversed and 50 swapped tasks: no identical pair (index 0 mod 3) is labelled.
  const labelled = await lead.page.locator('.task-label').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.task ?? ''))
  assert.ok(labelled.length > 0 && labelled.length <= 100, `${labelled.length} labels`)
  for (const t of labelled) assert.ok((Number(t.slice(4)) / 20) % 3 !== 0, `${t} has tau 1 and is not among the lowest 100`)

  const rows = lead.page.locator('.agreement-table').first().locator('tbody tr')
  assert.is(await rows.count(), 0, 'no rows while the table is closed')
  await lead.page.getByText('Agreement per task as a table').click()
  await waitFor(async () => (await rows.count()) === 100, '100 rows', WAIT)
  assert.is(await rows.first().locator('th').textContent(), 'big-0040', 'lowest agreement first')
  assert.is(await rows.first().locator('td').nth(2).textContent(), '−1.00')
  await lead.page.getByTestId('agreement-table-count').getByText('Showing 100 of 150 tasks with a ballot (of 3000 in the batch)').waitFor({ timeout: WAIT })
  await lead.page.getByRole('button', { name: 'Show 50 more' }).click()
  await waitFor(async () => (await rows.count()) === 150, '150 rows after Show more', WAIT)
  assert.is(await rows.last().locator('td').nth(2).textContent(), '1.00', 'the identical pairs come last')
  assert.is(await lead.page.getByRole('button', { name: /Show \d+ more/ }).count(), 0, 'nothing more to show')
  const nodes = await lead.page.evaluate(() => document.getElementsByTagName('*').length)
  assert.ok(nodes < 20_000, `${nodes} DOM nodes`)
  assert.equal(lead.errors, [])
})

test('control: a small batch shows every compared task as a bar and every task with a ballot as a row', async () => {
  const s = fx.server
  await importTasks(s, ['s-1', 's-2', 's-3', 's-4'].map((t) => taskLine(t)).join('\n'), 'small')
  await makeIndependent(s, 'small')
  const ann = await createUser(s, 'Ann', 'annotator')
  const bea = await createUser(s, 'Bea', 'annotator')
  await seedBallots(s, 's-1', [ann, bea], [['a', 'b', 'c'], ['a', 'b', 'c']])
  await seedBallots(s, 's-2', [ann, bea], [['a', 'b', 'c'], ['c', 'b', 'a']])
  await seedBallots(s, 's-3', [ann], [['a']])
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  await lead.page.setViewportSize({ width: 1440, height: 900 })
  await lead.page.goto('/lead?batch=small')
  await lead.page.getByRole('group', { name: /mean tau-b of 2 tasks, lowest −1\.00 on s-2\./ }).waitFor({ timeout: WAIT })
  await lead.page.getByTestId('agreement-bars').getByText('2 of 4 tasks have two ballots to compare').waitFor({ timeout: WAIT })
  await waitFor(async () => (await lead.page.locator('.task-label').count()) === 2, 'two labels', WAIT)
  assert.equal(await lead.page.locator('.task-label').allTextContents(), ['s-1', 's-2'])
  await lead.page.getByText('Agreement per task as a table').click()
  const rows = lead.page.locator('.agreement-table').first().locator('tbody tr th')
  await waitFor(async () => (await rows.count()) === 3, 'three rows', WAIT)
  assert.equal(await rows.allTextContents(), ['s-2', 's-1', 's-3'], 'lowest agreement first, no tau last')
  assert.is(await lead.page.getByRole('button', { name: /Show \d+ more/ }).count(), 0)
  assert.equal(lead.errors, [])
})

test.run()
