/** Blind mode in the browser: no model name and no candidate id anywhere in an annotator's page; the lead sees models. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Page } from 'playwright-core'
import { blindOrder } from '../../shared/blind'
import { getWorkspace } from '../../shared/schema'
import { roomName } from '../../shared/roomNames'
import { api, assign, createUser, importTasks } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'
import { connectPeer } from '../helpers/peer'
import type { Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'

const blind = suite('blind mode')
const fx = browserFixture(blind)
let peers: Peer[] = []
blind.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

const TASK = 'blind-1'
// Ids that name their models, as real exports often do.
const CANDIDATES = [
  { id: 'gpt4o-run3', code: 'def add(a, b):\n    return a + b\n', model: 'openai-gpt-4o' },
  { id: 'sonnet-v2', code: 'def add(a, b):\n    return a - b\n', model: 'anthropic-claude' },
  { id: 'llama70b-x', code: 'def add(a, b):\n    return sum([a, b])\n', model: 'meta-llama-3' },
]
const SECRETS = CANDIDATES.flatMap((c) => [c.id, c.model])

/** Every secret found in the page's HTML or its accessibility tree. */
async function leaks(page: Page): Promise<string[]> {
  const html = await page.content()
  const aria = await page.locator('body').ariaSnapshot()
  return SECRETS.filter((s) => html.includes(s) || aria.includes(s))
}

blind('shows an annotator letters in the blind order and nothing naming a model, while the lead sees models', async () => {
  const s = fx.server
  await api(s, s.leadToken, 'POST', '/api/batches', { name: 'blind' })
  const line = JSON.stringify({
    id: TASK,
    prompt: '# Add\nWrite `add(a, b)`.',
    language: 'python',
    candidates: CANDIDATES,
    metadata: { generator: 'openai-gpt-4o' },
  })
  await importTasks(s, line, 'blind')
  const ada = await createUser(s, 'Ada', 'annotator')
  await assign(s, TASK, [ada.id])

  const annotator = await newUserPage(fx.browser, s, ada.token)
  fx.users.push(annotator)
  const page = annotator.page
  await page.goto(`/tasks/${TASK}`)
  const pool = page.getByRole('list', { name: 'Unranked' })
  await pool.locator('[data-candidate]').nth(2).waitFor({ timeout: 20_000 })
  assert.equal(await page.getByRole('tab').allInnerTexts().then((t) => t.map((x) => x.replace(/\s+/g, ' ').trim())), ['1 A', '2 B', '3 C', 'c Compare'])
  assert.equal(await pool.locator('[data-candidate]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.candidate)), ['A', 'B', 'C'])
  assert.equal(await leaks(page), [], 'nothing names a model on first load')

  // Work as an annotator would: rank A, open B's tab, compare, move around; then scan again.
  await pool.locator('[data-candidate="A"]').focus()
  await page.keyboard.press('Enter')
  await page.getByText('Candidate A placed at position 1 of 1.').waitFor({ timeout: 10_000 })
  await page.getByRole('tab', { name: 'B' }).click()
  await page.getByRole('region', { name: 'Notes on B' }).waitFor({ timeout: 10_000 })
  await page.getByRole('tab', { name: 'Compare' }).click()
  await page.getByRole('combobox', { name: 'Left candidate' }).waitFor({ timeout: 10_000 })
  assert.equal(await leaks(page), [], 'nothing names a model after ranking, notes and compare')

  // The workspace stores the real id behind the letter (DESIGN.md).
  const lead = connectPeer(s.wsUrl, roomName.workspace(TASK), s.leadToken)
  peers.push(lead)
  const first = blindOrder(TASK, CANDIDATES.map((c) => c.id))[0]
  await waitFor(() => getWorkspace(lead.doc).ranking.toArray().join() === first, 'the ranking to hold the real id of A', 10_000)

  // Positive control: the lead's page names the models and ids.
  const leadPage = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(leadPage)
  await leadPage.page.goto(`/tasks/${TASK}`)
  await leadPage.page.getByRole('tab', { name: /^gpt4o-run3/ }).waitFor({ timeout: 20_000 })
  const seen = await leaks(leadPage.page)
  for (const c of CANDIDATES) {
    assert.ok(seen.includes(c.id), `the lead sees ${c.id}`)
    assert.ok(seen.includes(c.model), `the lead sees ${c.model}`)
  }
  assert.equal(annotator.errors, [])
})

blind.run()
