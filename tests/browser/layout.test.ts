/** The workspace layout at every size: room to read, nothing clipped or overlapping, nothing moves. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Locator, Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { WorkspaceRoot } from '../../shared/schema'
import { api, assign, createUser } from '../helpers/server'
import { browserFixture, newUserPage, waitForText } from '../helpers/browser'
import type { UserPage } from '../helpers/browser'
import { editorSize, overlaps } from '../helpers/layout'
import type { Box } from '../helpers/layout'

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

const EDITORS = ['explanation', 'solution', 'tests', 'notes', 'candidateCode']

/** The bounding box of every region; for an editor, its CodeMirror frame (what sizes it). */
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

/** The boxes of every pane of the grid (panes and judgment sections), by accessible name. */
function paneBoxes(page: Page): Promise<{ name: string; box: Box }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.ws-grid .pane, .ws-judge > section')].map((el) => {
      const r = el.getBoundingClientRect()
      const labelled = el.getAttribute('aria-labelledby')
      const name = el.getAttribute('aria-label') ?? document.getElementById(labelled ?? '')?.textContent ?? el.className
      return { name, box: { x: r.x, y: r.y, width: r.width, height: r.height } }
    }),
  )
}

async function openAsAnnotator(size: { width: number; height: number }): Promise<{ a: UserPage; lead: UserPage; taskId: string }> {
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
    await u.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor({ timeout: 20_000 })
  }
  await regions(a.page).people.waitFor()
  return { a, lead, taskId }
}

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
]

for (const size of SIZES) {
  const at = `${size.width}×${size.height}`
  layout(`gives every pane room at ${at}: 12-line editors, 80-column code from 1280, nothing clipped`, async () => {
    const { a } = await openAsAnnotator(size)
    const page = a.page
    // The page never scrolls sideways, and no pane pokes out of the window.
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)
    assert.ok(sideways <= 0, `the page scrolls sideways by ${sideways}px`)
    // From 900px up the page never scrolls at all: each column scrolls inside itself.
    if (size.width >= 900) {
      const down = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight)
      assert.ok(down <= 0, `the page scrolls down by ${down}px at ${at}`)
    }
    const panes = await paneBoxes(page)
    assert.ok(panes.length >= 9, `found ${panes.length} panes`)
    for (const { name, box } of panes) {
      assert.ok(box.width > 0 && box.height > 0, `${name} is empty`)
      assert.ok(box.x >= 0 && box.x + box.width <= size.width + 0.5, `${name} is cut off sideways`)
    }
    for (let i = 0; i < panes.length; i++) {
      for (let j = i + 1; j < panes.length; j++) {
        const [p, q] = [panes[i], panes[j]]
        assert.not.ok(overlaps(p.box, q.box), `${p.name} overlaps ${q.name}`)
      }
    }
    // Each editor shows at least 12 lines; from 1280 up the candidate's code shows 80 columns.
    for (const label of ['Explanation', 'Reference solution', 'Tests', 'Code of candidate a']) {
      const { lines, columns } = await editorSize(page, label)
      assert.ok(lines >= 12, `${label} shows ${lines} lines at ${at}`)
      if (label === 'Code of candidate a' && size.width >= 1280) {
        assert.ok(columns >= 80, `${label} shows ${columns} columns at ${at}`)
      }
    }
    // From 900px up the judgment opens its column: the Ranking's top shows without scrolling.
    if (size.width >= 900) {
      const ranking = (await regions(page).ranking.boundingBox())!
      const scrolled = await page.evaluate(() =>
        [document.scrollingElement!, ...document.querySelectorAll('.ws-side, .ws-judge')].map((el) => el.scrollTop),
      )
      assert.equal(scrolled, scrolled.map(() => 0), 'nothing was scrolled before measuring')
      assert.ok(ranking.y >= 0 && ranking.y + 40 <= size.height, `the Ranking starts at ${ranking.y}px at ${at}`)
    }
    // The prompt reads without sideways scrolling; rubric names are never cut.
    const prompt = await page.evaluate(() => {
      const els = document.querySelectorAll<HTMLElement>('.prompt-pane .pane-scroll, .prompt-pane pre')
      return Math.max(...[...els].map((el) => el.scrollWidth - el.clientWidth))
    })
    assert.ok(prompt <= 1, `the prompt scrolls sideways by ${prompt}px`)
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.rubric-name')]
        .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
        .map((el) => el.textContent),
    )
    assert.equal(cut, [], 'rubric criterion names are cut')
    const names = await page.locator('.rubric-name').count()
    assert.ok(names > 0, 'the rubric shows its criteria')
    // The judgment column scrolls by itself, and nothing covers its sections.
    const covered = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.ws-judge > section')]
        .map((el) => {
          el.scrollIntoView({ block: 'nearest' })
          const r = el.getBoundingClientRect()
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + Math.min(r.height / 2, 12))
          return hit && !el.contains(hit) ? `${el.className} is covered by ${hit.className}` : null
        })
        .filter(Boolean),
    )
    assert.equal(covered, [], 'something overlays the judgment column')
    if (size.width >= 1500) {
      const overflow = await page.evaluate(() => getComputedStyle(document.querySelector('.ws-judge')!).overflowY)
      assert.is(overflow, 'scroll', 'the judgment column shows its scroll track')
    }
    assert.equal(a.errors, [], 'console errors')
  })
}

for (const size of SIZES) {
  const at = `${size.width}×${size.height}`
  layout(`opens the notes to 12 lines at ${at} while the code keeps 12 lines and folds them when focus leaves`, async () => {
    const { a } = await openAsAnnotator(size)
    const page = a.page
    const code = 'Code of candidate a'
    const notes = page.getByRole('textbox', { name: 'Notes on a', exact: true })
    const folded = await editorSize(page, 'Notes on a')
    assert.ok(folded.lines >= 3, `folded notes show ${folded.lines} lines`)
    await notes.click()
    await page.waitForFunction(() => document.querySelector('.candidates-pane[data-notes-open]'))
    const open = await editorSize(page, 'Notes on a')
    const codeOpen = await editorSize(page, code)
    assert.ok(open.lines >= 12, `open notes show ${open.lines} lines at ${at}`)
    assert.ok(codeOpen.lines >= 12, `the code shows ${codeOpen.lines} lines beside open notes at ${at}`)
    if (size.width >= 1280) assert.ok(codeOpen.columns >= 80, `the code shows ${codeOpen.columns} columns`)
    // Still no page scroll, no pane over another.
    const down = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight)
    assert.ok(down <= 0, `the page scrolls down by ${down}px with the notes open`)
    const panes = await paneBoxes(page)
    for (let i = 0; i < panes.length; i++) {
      for (let j = i + 1; j < panes.length; j++) {
        assert.not.ok(overlaps(panes[i].box, panes[j].box), `${panes[i].name} overlaps ${panes[j].name}`)
      }
    }
    // Clicking back into the code moves nothing under the pointer: the notes stay open.
    const box = (sel: string) => page.locator(sel).evaluate((el) => JSON.stringify(el.getBoundingClientRect()))
    const codeBox = await box('.code-host')
    await page.getByRole('textbox', { name: code }).click()
    await page.waitForFunction(() => document.activeElement?.closest('.code-host'))
    assert.is(await box('.code-host'), codeBox, 'the code moved when it was clicked')
    assert.ok((await editorSize(page, 'Notes on a')).lines >= 12, 'the notes stay open while the code has focus')
    // Another pane takes focus: the notes fold back and the code gets its room again.
    await page.getByRole('textbox', { name: 'Explanation', exact: true }).click()
    await page.waitForFunction(() => !document.querySelector('.candidates-pane[data-notes-open]'))
    assert.is((await editorSize(page, 'Notes on a')).lines, folded.lines, 'the notes fold back')
    assert.ok((await editorSize(page, code)).lines >= codeOpen.lines, 'the code gets its room back')
    // `n` opens them again from anywhere outside an editor.
    await page.keyboard.press('Escape')
    await page.keyboard.press('n')
    await page.waitForFunction(() => document.querySelector('.candidates-pane[data-notes-open]'))
    assert.ok((await editorSize(page, 'Notes on a')).lines >= 12, '`n` opens the notes')
    assert.equal(a.errors, [], 'console errors')
  })
}

for (const size of [SIZES[2], SIZES[3]]) {
  const at = `${size.width}×${size.height}`
  layout(`keeps every region still at ${at} while another person types`, async () => {
    const { a, lead, taskId } = await openAsAnnotator(size)
    await a.page.getByRole('button', { name: 'Follow Lead' }).waitFor()
    const before = await measure(a.page)
    for (const [name, box] of Object.entries(before)) {
      assert.ok(box.width > 0 && box.height > 0, `${name} is empty`)
    }
    // 200 characters with line breaks into the Explanation, then shorter bursts elsewhere.
    const line = 'The quick brown fox jumps over the lazy dog. '
    const text = Array.from({ length: 5 }, () => line).join('\n').slice(0, 200)
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
    await waitForText(a.page, room, WorkspaceRoot.explanation, text.split('\n'))
    await waitForText(a.page, room, WorkspaceRoot.tests, text.slice(0, 80).split('\n'))
    // Let remote carets and the presence list settle.
    await a.page.waitForTimeout(300)
    const after = await measure(a.page)
    for (const [name, box] of Object.entries(before)) {
      const moved = (['x', 'y', 'width', 'height'] as const).filter(
        (k) => Math.abs(after[name][k] - box[k]) > 0.5,
      )
      assert.equal(moved, [], `${name} moved: ${JSON.stringify(box)} → ${JSON.stringify(after[name])}`)
    }
    assert.equal(a.errors, [], 'console errors in Ada\'s page')
    assert.equal(lead.errors, [], 'console errors in the lead\'s page')
  })
}

for (const size of [SIZES[2], SIZES[3]]) {
  const at = `${size.width}×${size.height}`
  layout(`makes room for a pane added to the work column at ${at}: the column scrolls, editors keep 12 lines`, async () => {
    const { a } = await openAsAnnotator(size)
    // What another feature's one-hunk pane looks like: a section of the work column.
    await a.page.evaluate(() => {
      const pane = document.createElement('section')
      pane.className = 'pane'
      pane.setAttribute('aria-label', 'Added pane')
      pane.style.height = '420px'
      document.querySelector('.ws-work')!.append(pane)
    })
    const added = (await a.page.getByRole('region', { name: 'Added pane' }).boundingBox())!
    assert.ok(Math.abs(added.height - 420) < 1, `the added pane keeps its height (${added.height})`)
    for (const label of ['Explanation', 'Reference solution', 'Tests']) {
      const { lines } = await editorSize(a.page, label)
      assert.ok(lines >= 12, `${label} shows ${lines} lines with the added pane`)
    }
    const scroller = size.width >= 1500 ? '.ws-work' : '.ws-side'
    const scrolls = await a.page.locator(scroller).evaluate((el) => el.scrollHeight > el.clientHeight)
    assert.ok(scrolls, `${scroller} scrolls to reach the added pane`)
    await a.page.getByRole('region', { name: 'Added pane' }).scrollIntoViewIfNeeded()
    const seen = (await a.page.getByRole('region', { name: 'Added pane' }).boundingBox())!
    assert.ok(seen.y + seen.height <= size.height + 0.5, 'the added pane can be scrolled into view')
    const down = await a.page.evaluate(() => document.documentElement.scrollHeight - innerHeight)
    assert.ok(down <= 0, `the page itself scrolls by ${down}px`)
  })
}

layout.run()
