/** The batches page: create a batch with a rubric and guidelines (sanitized preview), errors inline, edit it. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { api } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'

const batches = suite('batches page')
const fx = browserFixture(batches)

batches('creates a batch with a rubric, shows the 400 message inline, and edits it', async () => {
  const s = fx.server
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/batches')
  await page.getByRole('button', { name: 'New batch' }).click()
  const form = page.getByRole('form', { name: 'New batch' })
  await form.getByLabel('Name', { exact: true }).fill('june-python')
  await form.getByLabel('Guidelines (markdown)').fill('# Rules\n\nPrefer **clear** code. <img src=x onerror="window.__xss=1">')
  const preview = form.getByRole('region', { name: 'Guidelines preview' })
  await preview.getByRole('heading', { name: 'Rules' }).waitFor()
  assert.is(await preview.locator('img').count(), 0, 'raw HTML is not rendered')
  await form.getByRole('button', { name: 'Add criterion' }).click()
  await form.getByRole('button', { name: 'Add criterion' }).click()
  await form.getByLabel('Name of criterion 1').fill('Correct')
  await form.getByLabel('Name of criterion 2').fill('Readable')
  await form.getByRole('button', { name: 'Move criterion 2 up' }).click()
  await form.getByLabel('Run time limit (seconds per subject, 1–60)').fill('0.5')
  await form.getByRole('button', { name: 'Save batch' }).click()
  await form.getByRole('alert').filter({ hasText: 'run_timeout_ms: must be at least 1000' }).waitFor({ timeout: 10_000 })
  assert.equal((await api(s, s.leadToken, 'GET', '/api/batches')).body.batches, [], 'nothing saved on an error')

  await form.getByLabel('Run time limit (seconds per subject, 1–60)').fill('10')
  await form.getByRole('button', { name: 'Save batch' }).click()
  await page.getByRole('status').filter({ hasText: 'Saved batch “june-python”.' }).waitFor({ timeout: 10_000 })
  const [saved] = (await api(s, s.leadToken, 'GET', '/api/batches')).body.batches
  assert.equal(saved.rubric.map((c: { name: string }) => c.name), ['Readable', 'Correct'])
  assert.is(saved.blind, true, 'new batches are blind by default')
  assert.is(saved.run_timeout_ms, 10_000)
  assert.is(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined)

  await page.locator('tr[data-batch="june-python"]').getByRole('button', { name: 'Edit june-python' }).click()
  const edit = page.getByRole('form', { name: 'Edit batch june-python' })
  assert.is(await page.getByRole('status').count(), 0, 'the last save message goes when an editor opens')
  await edit.getByLabel(/^Blind/).uncheck()
  await edit.getByRole('button', { name: 'Remove criterion 1' }).click()
  await edit.getByRole('button', { name: 'Save batch' }).click()
  await page.getByRole('status').filter({ hasText: 'Saved batch “june-python”.' }).waitFor({ timeout: 10_000 })
  const [edited] = (await api(s, s.leadToken, 'GET', '/api/batches')).body.batches
  assert.is(edited.blind, false)
  assert.equal(edited.rubric.map((c: { name: string }) => c.name), ['Correct'])
  assert.equal(lead.errors.filter((e) => !/Failed to load resource.*400/.test(e)), [])
})

batches.run()
