/** The import page: upload progress, errors by line with nothing imported, then the fixed file goes in. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { api, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'

const page_ = suite('import page')
const fx = browserFixture(page_)

const COUNT = 2000

page_('shows upload progress and every bad line, imports nothing, then imports the fixed file', async () => {
  const s = fx.server
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/import')
  await page.getByRole('combobox', { name: 'Batch' }).fill('week-1')
  await page.getByRole('note').filter({ hasText: '“week-1” is not a batch yet: this import creates it' }).waitFor({ timeout: 10_000 })
  assert.ok(await page.getByRole('checkbox', { name: /^Blind/ }).isChecked(), 'a batch an import creates is blind unless the lead says otherwise')

  const good = Array.from({ length: COUNT }, (_, i) => taskLine(`imp-${i}`))
  const bad = [...good]
  bad[2] = JSON.stringify({ ...JSON.parse(good[2]), candidates: [{ id: 'a', code: 'x' }] })
  bad[4] = '{"id": "broken",'
  const file = (lines: string[]) => ({ name: 'tasks.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n') + '\n') })

  // Record every value the progress bar shows, from the page itself.
  await page.evaluate(() => {
    const seen: string[] = []
    ;(window as unknown as { __progress: string[] }).__progress = seen
    new MutationObserver(() => {
      const bar = document.querySelector('progress')
      if (bar) seen.push(String((bar as HTMLProgressElement).value))
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
  await page.getByLabel('JSONL file').setInputFiles(file(bad))
  await page.getByRole('button', { name: 'Import' }).click()
  const alert = page.getByRole('alert').filter({ hasText: 'Nothing was imported' })
  await alert.waitFor({ timeout: 20_000 })
  const problems = await alert.getByRole('list', { name: 'Problems by line' }).getByRole('listitem').allInnerTexts()
  assert.equal(problems[0], 'line 3: candidates: expected at least 2 items')
  assert.match(problems[1], /^line 5: invalid JSON/)
  assert.is(problems.length, 2)
  const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress)
  assert.ok(progress.length > 0, 'a progress bar was shown')
  assert.is(progress[progress.length - 1], '1', `the bar reached the end: ${progress.join(',')}`)
  assert.is((await api(s, s.leadToken, 'GET', '/api/tasks')).body.total, 0, 'nothing was imported')

  await page.getByLabel('JSONL file').setInputFiles(file(good))
  await page.getByRole('button', { name: 'Import' }).click()
  await page.getByRole('status').filter({ hasText: `Imported ${COUNT} tasks into a new blind batch “week-1”.` }).waitFor({ timeout: 30_000 })
  await waitFor(async () => (await page.getByRole('alert').count()) === 0, 'the old errors to go')
  assert.is((await api(s, s.leadToken, 'GET', '/api/tasks')).body.total, COUNT)
  const batches = (await api(s, s.leadToken, 'GET', '/api/batches')).body.batches
  assert.equal(batches.map((b: { name: string; blind: boolean }) => [b.name, b.blind]), [['week-1', true]])
  assert.equal(lead.errors.filter((e) => !/Failed to load resource.*400/.test(e)), [])
})

page_.run()
