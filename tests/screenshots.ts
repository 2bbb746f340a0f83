/**
 * Writes docs/screenshots/workspace-<width>.png (the demo workspace at 1024, 1440 and 1920 px) and
 * compare-1440.png, as the lead. Run by hand after `npm run build`:
 * `node --import tsx tests/screenshots.ts [outDir]`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { api, startServer } from './helpers/server'
import { launchBrowser, newUserPage } from './helpers/browser'

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
]

const outDir = process.argv[2] ?? 'docs/screenshots'
fs.mkdirSync(outDir, { recursive: true })
const server = await startServer({ seedDemo: true })
const browser = await launchBrowser()
try {
  const tasks = (await api(server, server.leadToken, 'GET', '/api/tasks')).body.tasks as { id: string }[]
  const taskId = tasks[0].id
  const lead = await newUserPage(browser, server, server.leadToken)
  for (const size of SIZES) {
    await lead.page.setViewportSize(size)
    await lead.page.goto(`/tasks/${taskId}`)
    await lead.page.locator('[data-testid="sync-status"][data-state="connected"]').waitFor()
    await lead.page.getByRole('textbox', { name: 'Explanation', exact: true }).waitFor()
    const file = path.join(outDir, `workspace-${size.width}.png`)
    await lead.page.screenshot({ path: file })
    console.log(`wrote ${file}`)
  }
  // Compare, wide, at 1440.
  await lead.page.setViewportSize(SIZES[1])
  await lead.page.getByRole('tab', { name: /Compare/ }).click()
  await lead.page.locator('.cm-mergeView').waitFor()
  await lead.page.screenshot({ path: path.join(outDir, 'compare-1440.png') })
  console.log(`wrote ${path.join(outDir, 'compare-1440.png')}`)
  await lead.close()
} finally {
  await browser.close()
  await server.stop()
}
