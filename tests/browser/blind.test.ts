/** Blind mode in the browser: everyone names a candidate by the same letter; the annotator's page names no model and no import id; the lead sees models. */
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

blind('shows the lead and an annotator the same letter for the same code, models only to the lead', async () => {
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
  await pool.locator('[data-candidate]').nth(2).waitFor({ timeout: 60_000 })
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

  // The workspace stores the opaque room id behind the letter, never an import id (docs/workflow.md#blind-judging).
  const leadView = (await api(s, s.leadToken, 'GET', `/api/tasks/${TASK}`)).body
  const byLabel = new Map<string, { id: string; import_id: string; code: string; model: string }>(
    leadView.candidates.map((c: { label: string }) => [c.label, c]),
  )
  assert.equal([...byLabel.keys()], ['A', 'B', 'C'])
  const lead = connectPeer(s.wsUrl, roomName.workspace(TASK), s.leadToken)
  peers.push(lead)
  await waitFor(() => getWorkspace(lead.doc).ranking.toArray().join() === byLabel.get('A')!.id, 'the ranking to hold the room id of A', 10_000)
  assert.match(byLabel.get('A')!.id, /^c_[a-z2-7]{16}$/)
  assert.equal(byLabel.get('A')!.import_id, blindOrder(TASK, CANDIDATES.map((c) => c.id))[0], 'A is the first of the blind order of import ids')

  // The lead sees the same letter on the same code, and the model beside it.
  const leadPage = await newUserPage(fx.browser, s, s.leadToken)
  fx.users.push(leadPage)
  await leadPage.page.goto(`/tasks/${TASK}`)
  await leadPage.page.getByRole('tab', { name: /A\b.*openai-gpt-4o|A\b.*anthropic-claude|A\b.*meta-llama-3/ }).waitFor({ timeout: 60_000 })
  for (const letter of ['A', 'B', 'C']) {
    const code = byLabel.get(letter)!.code.split('\n')[1].trim()
    // The same letter names the same code for the annotator and the lead.
    for (const [who, p] of [['annotator', page], ['lead', leadPage.page]] as const) {
      await p.getByRole('tab', { name: new RegExp(`^(\\d\\s*)?${letter}\\b`) }).click()
      await waitFor(async () => (await p.getByRole('tabpanel').innerText()).includes(code), `${letter}'s code on the ${who}'s page`, 10_000)
    }
  }
  const seen = await leaks(leadPage.page)
  for (const c of CANDIDATES) assert.ok(seen.includes(c.model), `the lead sees ${c.model}`)
  assert.equal(await leaks(page), [], 'still nothing naming a model or an import id on the annotator\'s page')
  assert.equal(annotator.errors, [])
})

blind.run()
