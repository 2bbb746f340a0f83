/** The lead's people page in Chromium: add a person (link shown once, and it signs in), role, new link, sessions, remove. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Browser } from 'playwright-core'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { waitFor } from '../helpers/waitFor'
import { seriousViolations } from '../helpers/axe'
import { createUser } from '../helpers/server'

const test = suite('people page')
const fx = browserFixture(test)

/** Opens `link` in a fresh context and presses the confirm button, as the new person would. */
async function signInWithLink(browser: Browser, link: string): Promise<UserPage> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const user: UserPage = { context, page, errors: [], close: () => context.close() }
  fx.users.push(user)
  await page.goto(link)
  await page.getByRole('button', { name: /^Sign in as / }).click()
  await page.waitForURL((url) => url.pathname === '/')
  return user
}

/** `/api/me`'s status from inside `user`'s page (its cookie). */
function meStatus(user: UserPage): Promise<number> {
  return user.page.evaluate(() => fetch('/api/me').then((r) => r.status))
}

test('adds a person whose once-shown link signs them in, changes their role, ends a session, makes a new link and removes them', async () => {
  const s = fx.server
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.getByRole('link', { name: 'People' }).click()
  await page.getByRole('heading', { name: 'People' }).waitFor()

  // add: the link is shown once, with a copy button and the warning
  await page.getByLabel('Name', { exact: true }).fill('Dana Doe')
  await page.getByRole('button', { name: 'Add person' }).click()
  const linkBox = page.getByRole('textbox', { name: 'Sign-in link for Dana Doe' })
  await linkBox.waitFor()
  const link = await linkBox.inputValue()
  assert.match(link, new RegExp(`^${s.url}/signin/cj_`))
  assert.ok(await page.getByText('will not be shown again').isVisible())
  assert.ok(await page.getByRole('button', { name: 'Copy link' }).isVisible())
  const token = decodeURIComponent(link.slice(link.lastIndexOf('/') + 1))
  await page.getByRole('button', { name: 'Done' }).click()
  await linkBox.waitFor({ state: 'detached' })
  await page.reload()
  await page.getByRole('row', { name: /Dana Doe/ }).waitFor()
  assert.not.ok((await page.content()).includes(token), 'the token is nowhere on the page once dismissed')
  const dana = s.running.deps.db.users.find((u) => u.name === 'Dana Doe')!
  assert.is(dana.role, 'annotator')

  // the link works
  const first = await signInWithLink(fx.browser, link)
  assert.equal(await first.page.evaluate(() => fetch('/api/me').then((r) => r.json()).then((m) => m.name)), 'Dana Doe')

  // role
  await page.getByLabel('Role of Dana Doe').selectOption('reviewer')
  await page.getByRole('status').filter({ hasText: 'Dana Doe is now a reviewer.' }).waitFor()
  assert.is(s.running.deps.db.userById(dana.id)!.role, 'reviewer')

  // sessions: Dana's shows up; ending it signs her out, the lead's own stays
  assert.is(await meStatus(first), 200, 'control: signed in before')
  const endButton = page.getByRole('button', { name: /^End session [0-9a-f]{8} of Dana Doe$/ })
  await endButton.waitFor()
  await endButton.click()
  await page.getByRole('status').filter({ hasText: 'Ended a session of Dana Doe.' }).waitFor()
  assert.is(await meStatus(first), 401)
  assert.is(await meStatus(lead), 200, 'the lead stays signed in')

  // new link: shown once; the old link stops working and the new one signs in
  const second = await signInWithLink(fx.browser, link)
  assert.is(await meStatus(second), 200)
  await page.getByRole('button', { name: 'New link for Dana Doe' }).click()
  const newBox = page.getByRole('textbox', { name: 'Sign-in link for Dana Doe' })
  await newBox.waitFor()
  const newLink = await newBox.inputValue()
  assert.is.not(newLink, link)
  await waitFor(async () => (await meStatus(second)) === 401, 'the old link’s session to end')
  const stale = await fx.browser.newContext()
  try {
    const res = await (await stale.newPage()).goto(link)
    assert.is(res?.status(), 401, 'the old link is dead')
  } finally {
    await stale.close()
  }
  const third = await signInWithLink(fx.browser, newLink)
  assert.is(await meStatus(third), 200)
  await page.getByRole('button', { name: 'Done' }).click()

  // end all of Dana's sessions
  await page.reload()
  await page.getByRole('button', { name: 'End all sessions of Dana Doe' }).click()
  await page.getByRole('status').filter({ hasText: /Ended 1 session of Dana Doe\./ }).waitFor()
  assert.is(await meStatus(third), 401)

  // remove: nobody can remove themselves from here; cancel keeps Dana; confirming removes her
  const leadName = s.running.deps.db.users.find((u) => u.role === 'lead')!.name
  assert.is(await page.getByRole('button', { name: `Remove ${leadName}` }).count(), 0, 'no remove button for yourself')
  await page.getByRole('button', { name: 'Remove Dana Doe' }).click()
  await page.getByRole('group', { name: 'Confirm removing Dana Doe' }).getByRole('button', { name: 'Cancel' }).click()
  assert.ok(s.running.deps.db.userById(dana.id), 'control: cancel keeps her')
  await page.getByRole('button', { name: 'Remove Dana Doe' }).click()
  await page.getByRole('button', { name: 'Yes, remove Dana Doe' }).click()
  await page.getByRole('status').filter({ hasText: 'Removed Dana Doe.' }).waitFor()
  await page.getByRole('row', { name: /Dana Doe/ }).waitFor({ state: 'detached' })
  assert.is(s.running.deps.db.userById(dana.id), undefined)
  assert.equal(lead.errors, [])
})

test('shows each person’s figures and keeps the chosen time zone in the address and for the next visit', async () => {
  const s = fx.server
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/people')
  const leadRow = page.getByRole('row', { name: /\(you\)/ })
  await leadRow.waitFor()
  await waitFor(async () => (await leadRow.locator('td.num').allTextContents()).join(' ') === '0 0 0 0.00', 'the lead’s figures')
  await page.getByLabel('Time zone').selectOption('Asia/Kolkata')
  await page.waitForURL((url) => url.searchParams.get('tz') === 'Asia/Kolkata')
  await page.getByText('(Asia/Kolkata), weeks start on Monday').waitFor()
  await page.goto('/lead/people')
  assert.is(await page.getByLabel('Time zone').inputValue(), 'Asia/Kolkata', 'remembered in this browser')
  await page.goto('/lead/people?tz=Europe/Paris')
  assert.is(await page.getByLabel('Time zone').inputValue(), 'Europe/Paris', 'the address wins')
  await page.getByText('(Europe/Paris), weeks start on Monday').waitFor()
  await page.goto('/lead/people?tz=Not/AZone')
  assert.is(await page.getByLabel('Time zone').inputValue(), 'Asia/Kolkata', 'a bad zone in the address falls back')
  assert.equal(lead.errors, [])
})

test('after adding a person, the sign-in link panel below the fold scrolls into view with the focus on its Copy button', async () => {
  const s = fx.server
  for (let i = 1; i <= 25; i++) await createUser(s, `Person ${i}`, 'annotator')
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.setViewportSize({ width: 1200, height: 600 })
  await page.goto('/lead/people')
  await page.getByRole('row', { name: /Person 25/ }).waitFor()
  const inView = (name: string) =>
    page.getByRole(name === 'People' ? 'heading' : 'region', { name }).evaluate((el) => {
      const r = el.getBoundingClientRect()
      return r.top >= 0 && r.bottom <= window.innerHeight
    })
  await page.getByLabel('Name', { exact: true }).fill('Eve Late')
  await page.getByRole('button', { name: 'Add person' }).click()
  const panel = page.getByRole('region', { name: 'Sign-in link for Eve Late' })
  await panel.waitFor()
  await waitFor(() => inView('Sign-in link for Eve Late'), 'the panel in the viewport')
  assert.not.ok(await inView('People'), 'control: the page heading has scrolled out of view')
  assert.ok(await page.getByRole('button', { name: 'Copy link' }).evaluate((el) => el === document.activeElement), 'the Copy button has the focus')
  assert.equal(lead.errors, [])
})

test('the people page with a link shown and the time page have no serious accessibility problem', async () => {
  const s = fx.server
  await createUser(s, 'Bo', 'annotator')
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.goto('/lead/people')
  await page.getByRole('button', { name: 'New link for Bo' }).click()
  await page.getByRole('textbox', { name: 'Sign-in link for Bo' }).waitFor()
  await page.getByRole('button', { name: 'Remove Bo' }).click()
  await page.getByRole('button', { name: 'Yes, remove Bo' }).waitFor()
  assert.equal(await seriousViolations(page), [], 'the people page')
  await page.getByRole('link', { name: 'Time' }).click()
  await page.getByText('No active time in this range.').waitFor()
  assert.equal(await seriousViolations(page), [], 'the time page')
})

test('a removal being confirmed survives the list being re-read after another action', async () => {
  const s = fx.server
  await createUser(s, 'Dee', 'annotator')
  await createUser(s, 'Eli', 'annotator')
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(lead)
  const page = lead.page
  await page.goto('/lead/people')
  await page.getByRole('button', { name: 'Remove Dee' }).click()
  const confirm = page.getByRole('button', { name: 'Yes, remove Dee' })
  await confirm.waitFor()
  // Another action re-reads the list (every row arrives as a new object).
  const reread = page.waitForResponse((r) => r.url().endsWith('/api/users') && r.request().method() === 'GET')
  await page.getByLabel('Role of Eli').selectOption('reviewer')
  await reread
  await waitFor(async () => (await page.getByLabel('Role of Eli').inputValue()) === 'reviewer', 'Eli shown as a reviewer')
  assert.ok(await confirm.isVisible(), 'still asking to confirm removing Dee')
  // The control: Cancel ends the confirm step.
  await page.getByRole('group', { name: 'Confirm removing Dee' }).getByRole('button', { name: 'Cancel' }).click()
  await page.getByRole('button', { name: 'Remove Dee' }).waitFor()
  assert.is(await confirm.count(), 0)
})

test.run()
