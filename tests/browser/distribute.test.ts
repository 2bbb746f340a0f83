/** The batches page's Distribute form: all annotators by default, per task, the result per person, errors plainly. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { api, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'

const distribute = suite('distribute form')
const fx = browserFixture(distribute)

distribute('distributes a batch over the checked annotators and shows tasks per person; a bad per-task shows the error', async () => {
  const s = fx.server
  await importTasks(s, Array.from({ length: 6 }, (_, i) => taskLine(`t${i + 1}`)).join('\n'), 'june')
  const ann = await createUser(s, 'Ann', 'annotator')
  const bob = await createUser(s, 'Bob', 'annotator')
  const cy = await createUser(s, 'Cy', 'annotator')
  await createUser(s, 'Rae', 'reviewer')
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/batches')
  await page.locator('tr[data-batch="june"]').getByRole('button', { name: 'Distribute june' }).click()
  const form = page.getByRole('form', { name: 'Distribute june' })
  const boxes = form.getByRole('group', { name: 'Annotators' }).getByRole('checkbox')
  await form.getByRole('checkbox', { name: 'Cy' }).waitFor()
  assert.is(await boxes.count(), 3, 'annotators only, not the reviewer')
  for (const name of ['Ann', 'Bob', 'Cy']) assert.ok(await form.getByRole('checkbox', { name }).isChecked(), `${name} checked by default`)
  assert.not.ok(await form.getByRole('checkbox', { name: 'Also move started work' }).isChecked(), 'started work stays by default')

  // per task above the number of annotators checked: said plainly, nothing sent
  await form.getByRole('checkbox', { name: 'Cy' }).uncheck()
  await form.getByLabel('Annotators per task').fill('3')
  await form.getByRole('button', { name: 'Distribute' }).click()
  await form.getByRole('alert').filter({ hasText: 'from 1 to 2' }).waitFor({ timeout: 10_000 })
  assert.equal(s.running.deps.db.task('t1')!.assignees, [], 'nothing changed')

  await form.getByLabel('Annotators per task').fill('1')
  await form.getByRole('button', { name: 'Distribute' }).click()
  await form.getByRole('status').filter({ hasText: 'Distributed 6 unfinished tasks, 1 per task' }).waitFor({ timeout: 10_000 })
  const table = form.getByRole('table', { name: 'Tasks per person' })
  const rows = await table.locator('tbody tr').allTextContents()
  assert.equal(rows, ['Ann3', 'Bob3'])
  assert.is(await form.getByRole('alert').count(), 0, 'the error is gone')
  const assigned = Array.from({ length: 6 }, (_, i) => s.running.deps.db.task(`t${i + 1}`)!.assignees)
  assert.ok(assigned.every((a) => a.length === 1 && [ann.id, bob.id].includes(a[0])), JSON.stringify(assigned))
  assert.not.ok(assigned.some((a) => a.includes(cy.id)), 'the unchecked annotator gets nothing')

  // the server's own 400, shown as it said it: Cy was removed after the page listed Cy
  assert.is((await api(s, s.leadToken, 'DELETE', `/api/users/${cy.id}`)).status, 200)
  await form.getByRole('checkbox', { name: 'Cy' }).check()
  await form.getByRole('button', { name: 'Distribute' }).click()
  await form.getByRole('alert').filter({ hasText: `annotators: no user "${cy.id}"` }).waitFor({ timeout: 10_000 })
  assert.is(await form.getByRole('status').count(), 0, 'the earlier result is cleared')
  assert.equal(lead.errors.filter((e) => !/Failed to load resource.*400/.test(e)), [])
})

distribute.run()
