/** The workspace layout at laptop and desktop sizes: every region on screen, and none moves. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Locator, Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { WorkspaceRoot } from '../../shared/schema'
import { api, assign, createUser } from '../helpers/server'
import { browserFixture, newUserPage, waitForText } from '../helpers/browser'

const layout = suite('layout')

const fx = browserFixture(layout, { seedDemo: true })

/** The regions a person works with all day, found by their accessible names. */
function regions(page: Page): Record<string, Locator> {
  return {
    prompt: page.getByRole('region', { name: 'Prompt' }),
    guidelines: page.getByRole('button', { name: 'Guidelines & rubric' }),
    candidateTabs: page.getByRole('tablist', { name: 'Candidates' }),
    candidateCode: page.getByRole('textbox', { name: 'Code of candidate' }).first(),
    notes: page.getByRole('textbox', { name: /^Notes on / }),
    explanation: page.getByRole('textbox', { name: 'Explanation', exact: true }),
    solution: page.getByRole('textbox', { name: 'Reference solution', exact: true }),
    tests: page.getByRole('textbox', { name: 'Tests', exact: true }),
    ranking: page.getByRole('list', { name: 'Ranking' }),
    rubric: page.getByRole('grid').first(),
    people: page.getByRole('heading', { name: 'Here now' }),
    sync: page.getByTestId('sync-status'),
  }
}

const EDITORS = ['explanation', 'solution', 'tests', 'notes']

type Box = { x: number; y: number; width: number; height: number }

/** The bounding box of every region; for an editor, its scroll container (what sizes it). */
async function measure(page: Page): Promise<Record<string, Box>> {
  const out: Record<string, Box> = {}
  for (const [name, loc] of Object.entries(regions(page))) {
    const target = EDITORS.includes(name)
      ? loc.locator('xpath=ancestor::div[contains(@class, "cm-editor")]')
      : loc
    const box = await target.boundingBox()
    if (!box) throw new Error(`${name} has no box (not rendered)`)
    out[name] = box
  }
  return out
}

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
]

for (const size of SIZES) {
  const at = `${size.width}×${size.height}`
  layout(`keeps every region on screen and still at ${at} while another person types`, async () => {
    const s = fx.server
    const tasks = (await api(s, s.leadToken, 'GET', '/api/tasks')).body.tasks as { id: string }[]
    const taskId = tasks[0].id
    const ada = await createUser(s, 'Ada Lovelace', 'annotator')
    await assign(s, taskId, [ada.id])
    const a = await newUserPage(fx.browser, s, ada.token)
    const lead = await newUserPage(fx.browser, s, s.leadToken)
    fx.users.push(a, lead)
    await a.page.setViewportSize(size)
    await Promise.all([a.page.goto(`/tasks/${taskId}`), lead.page.goto(`/tasks/${taskId}`)])
    for (const u of [a, lead]) {
      await u.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
    }
    await regions(a.page).people.waitFor()
    await a.page.getByRole('button', { name: 'Follow Lead' }).waitFor()

    const before = await measure(a.page)
    for (const [name, box] of Object.entries(before)) {
      assert.ok(box.width > 0 && box.height > 0, `${name} is empty`)
      const inside = box.x >= 0 && box.x + box.width <= size.width + 0.5
      assert.ok(inside, `${name} is off screen sideways`)
      assert.ok(box.y >= 0 && box.y < size.height, `${name} starts below the fold (y=${box.y})`)
    }
    // The three editors and the candidate's code are entirely visible, with room to type.
    for (const name of ['explanation', 'solution', 'tests', 'candidateCode', 'notes']) {
      const box = before[name]
      assert.ok(box.y + box.height <= size.height + 0.5, `${name} is cut off at the bottom`)
    }
    const tall = before.explanation.height
    assert.ok(tall >= 120, `Explanation is only ${tall}px tall`)
    // The page itself never scrolls: each panel scrolls inside itself.
    const overflow = await a.page.evaluate(
      () => document.documentElement.scrollHeight - innerHeight,
    )
    assert.ok(overflow <= 0, `the page scrolls by ${overflow}px`)

    // 200 characters with line breaks into the Explanation, then shorter bursts elsewhere.
    const line = 'The quick brown fox jumps over the lazy dog. '
    const text = Array.from({ length: 5 }, () => line).join('\n').slice(0, 200)
    assert.is(text.length, 200)
    const room = roomName.workspace(taskId)
    const bursts = [
      ['Explanation', text],
      ['Tests', text.slice(0, 80)],
      ['Notes on a', text.slice(0, 80)],
    ]
    for (const [label, typed] of bursts) {
      await lead.page.getByRole('textbox', { name: label, exact: true }).click()
      await lead.page.keyboard.press('Control+End')
      await lead.page.keyboard.type(typed)
    }
    // Enter may auto-indent in a code editor, so match line by line.
    const lines = text.split('\n')
    await waitForText(a.page, room, WorkspaceRoot.explanation, lines)
    await waitForText(a.page, room, WorkspaceRoot.tests, text.slice(0, 80).split('\n'))
    // Let remote carets and the presence list settle.
    await a.page.waitForTimeout(300)

    const after = await measure(a.page)
    for (const [name, box] of Object.entries(before)) {
      const moved = (['x', 'y', 'width', 'height'] as const).filter(
        (k) => Math.abs(after[name][k] - box[k]) > 0.5,
      )
      const change = `${JSON.stringify(box)} → ${JSON.stringify(after[name])}`
      assert.equal(moved, [], `${name} moved: ${change}`)
    }
    assert.equal(a.errors, [], 'console errors in Ada\'s page')
    assert.equal(lead.errors, [], 'console errors in the lead\'s page')
  })
}

layout.run()
