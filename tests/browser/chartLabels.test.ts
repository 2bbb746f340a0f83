/** The agreement chart's task labels at 1440 px: thinned so no two overlap with 50 tasks, all shown with 5. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { makeIndependent, seedBallots } from '../helpers/seedBallots'

const test = suite('agreement chart labels')
const fx = browserFixture(test)

const ids = (n: number, prefix: string) => Array.from({ length: n }, (_v, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`)

/** The drawn labels' text and boxes, left to right, and the chart's box. */
async function drawnLabels(page: Page) {
  await page.locator('.task-label').first().waitFor()
  return page.evaluate(() => {
    const chart = document.querySelector('.stats-canvas')!.getBoundingClientRect()
    const labels = [...document.querySelectorAll<HTMLElement>('.task-label')]
      .filter((el) => getComputedStyle(el).visibility !== 'hidden')
      .map((el) => {
        const r = el.getBoundingClientRect()
        return { text: el.textContent ?? '', left: r.left, right: r.right, top: r.top, bottom: r.bottom }
      })
      .sort((a, b) => a.left - b.left)
    return { chart: { left: chart.left, right: chart.right }, labels }
  })
}

/** Imports `tasks` into an independent `batch` and gives each two agreeing ballots, so each is a bar. */
async function comparedBatch(tasks: string[], batch: string) {
  await importTasks(fx.server, tasks.map((id) => taskLine(id)).join('\n'), batch)
  await makeIndependent(fx.server, batch)
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const bea = await createUser(fx.server, 'Bea', 'annotator')
  for (const id of tasks) await seedBallots(fx.server, id, [ann, bea], [['a', 'b', 'c'], ['a', 'b', 'c']])
}

async function leadAt1440() {
  const lead = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(lead)
  await lead.page.setViewportSize({ width: 1440, height: 900 })
  return lead
}

test('with 50 tasks at 1440 px the drawn task labels never overlap and still label the chart evenly', async () => {
  const many = ids(50, 'task')
  await comparedBatch(many, 'fifty')
  const lead = await leadAt1440()
  await lead.page.goto('/lead?batch=fifty')
  const { chart, labels } = await drawnLabels(lead.page)
  assert.ok(labels.length >= 8, `enough labels to read the axis by (${labels.length})`)
  assert.ok(labels.length < 50, 'thinned: 50 ids do not fit side by side')
  for (let i = 1; i < labels.length; i++) {
    const a = labels[i - 1]
    const b = labels[i]
    const overlap = a.right > b.left && b.right > a.left && a.bottom > b.top && b.bottom > a.top
    assert.not.ok(overlap, `“${a.text}” [${a.left}, ${a.right}] overlaps “${b.text}” [${b.left}, ${b.right}]`)
  }
  for (const l of labels) assert.ok(l.left >= chart.left - 1 && l.right <= chart.right + 1, `${l.text} inside the chart`)
  // every k-th task, from the first
  const shown = labels.map((l) => many.indexOf(l.text))
  const step = shown[1] - shown[0]
  assert.equal(shown, shown.map((_v, i) => i * step))
  // Every id is in the table, whose rows exist only once it is opened.
  const rows = lead.page.locator('.agreement-table').first().locator('tbody tr')
  assert.is(await rows.count(), 0)
  await lead.page.getByText('Agreement per task as a table').click()
  await lead.page.waitForFunction(() => document.querySelector('.agreement-table')?.querySelectorAll('tbody tr').length === 50)
  assert.is(await rows.first().locator('th').textContent(), many[0])
  assert.equal(lead.errors, [])
})

test('control: with 5 tasks every label is drawn, in order, without overlap', async () => {
  const few = ids(5, 'task')
  await comparedBatch(few, 'five')
  const lead = await leadAt1440()
  await lead.page.goto('/lead?batch=five')
  const { labels } = await drawnLabels(lead.page)
  assert.equal(labels.map((l) => l.text), few)
  for (let i = 1; i < labels.length; i++) assert.ok(labels[i - 1].right <= labels[i].left)
  assert.equal(lead.errors, [])
})

test.run()
