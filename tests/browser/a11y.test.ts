/** Accessibility: axe-core finds no serious or critical problem; no text is smaller than 12 px. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { seriousViolations } from '../helpers/axe'
import { api, assign, createUser } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'

const a11y = suite('accessibility')

const fx = browserFixture(a11y, { seedDemo: true })

// Read from node_modules, never a CDN. Evaluated through the DevTools protocol rather than

/** Visible text whose computed size is under 12 px. */
function tinyText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement
      if (!el || !n.textContent?.trim() || el.getClientRects().length === 0) continue
      if (el.closest('.sr-only, [hidden], .cm-ySelectionInfo')) continue
      const size = parseFloat(getComputedStyle(el).fontSize)
      if (size < 12) out.push(`${size}px: ${el.tagName.toLowerCase()}.${el.className} "${n.textContent.trim().slice(0, 30)}"`)
    }
    return out
  })
}

async function check(page: Page, what: string): Promise<void> {
  assert.equal(await seriousViolations(page), [], `serious accessibility problems on ${what}`)
  assert.equal(await tinyText(page), [], `text under 12 px on ${what}`)
}

a11y('finds no serious problem on the queue, the workspace, the dashboard and the sign-in page', async () => {
  const s = fx.server
  const tasks = (await api(s, s.leadToken, 'GET', '/api/tasks')).body.tasks as { id: string }[]
  const ada = await createUser(s, 'Ada Lovelace', 'annotator')
  await assign(s, tasks[0].id, [ada.id])
  const a = await newUserPage(fx.browser, s, ada.token)
  const lead = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(a, lead)
  await a.page.setViewportSize({ width: 1440, height: 900 })
  await lead.page.setViewportSize({ width: 1440, height: 900 })

  await a.page.goto('/')
  await a.page.getByRole('link', { name: /./ }).filter({ hasText: /./ }).first().waitFor()
  await a.page.locator('table').first().waitFor()
  await check(a.page, 'the queue')

  await a.page.goto(`/tasks/${tasks[0].id}`)
  await a.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor({ timeout: 20_000 })
  await a.page.getByRole('heading', { name: 'Here now' }).waitFor()
  await check(a.page, 'the workspace')

  await lead.page.goto('/lead')
  await lead.page.locator('table').first().waitFor({ timeout: 20_000 })
  await check(lead.page, 'the dashboard')

  // The page a bad sign-in link shows, rendered by the server.
  const context = await fx.browser.newContext({ baseURL: s.url })
  const page = await context.newPage()
  fx.users.push({ context, page, errors: [], close: () => context.close() })
  await page.goto('/signin/not-a-real-token')
  await page.getByRole('heading', { name: 'This sign-in link does not work' }).waitFor()
  await check(page, 'the sign-in page')
  await page.goto(`/signin/${s.leadToken}`)
  await page.getByRole('heading', { name: 'Sign in as Lead?' }).waitFor()
  await check(page, 'the sign-in confirmation page')

  // Positive control: the same check does see a real problem when one is put on the page.
  await lead.page.evaluate(() => {
    const img = document.createElement('img')
    img.src = 'data:,'
    document.body.append(img)
  })
  const planted = await seriousViolations(lead.page)
  assert.ok(planted.some((v) => v.startsWith('image-alt')), `axe reports a planted image without alt: ${planted}`)
})

a11y.run()
