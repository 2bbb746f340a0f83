/**
 * The browser's quality bars (docs/performance.md#browser), measured in real Chromium against a real server:
 * - keystroke latency: a key pressed in one browser's Explanation editor until the other browser's
 *   Y.Text holds it (both clocks are this machine's, read as performance.timeOrigin + now());
 * - initial JavaScript of the workspace: every script loaded by opening /tasks/:id, gzip-compressed.
 * Run after `npm run build`: node --import tsx tests/bench/keystroke.ts [--keys 300]
 */
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { parseArgs } from 'node:util'
import { roomName } from '../../shared/roomNames'
import { assign, createUser, importTasks, startServer, taskLine } from '../helpers/server'
import { launchBrowser, newUserPage } from '../helpers/browser'

const { values } = parseArgs({ options: { keys: { type: 'string', default: '300' }, delay: { type: 'string', default: '25' } } })
const KEYS = Number(values.keys)
const DELAY_MS = Number(values.delay)
const ROOM = roomName.workspace('k1')

function pct(sorted: number[], p: number): number {
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2)
}

const server = await startServer()
const browser = await launchBrowser()
try {
  await importTasks(server, taskLine('k1'))
  const a = await createUser(server, 'Typist', 'annotator')
  const b = await createUser(server, 'Watcher', 'annotator')
  await assign(server, 'k1', [a.id, b.id])
  const ua = await newUserPage(browser, server, a.token)
  const ub = await newUserPage(browser, server, b.token)

  const scripts: { url: string; raw: number; gzip: number }[] = []
  ua.page.on('response', async (res) => {
    if (res.request().resourceType() !== 'script') return
    const body = await res.body().catch(() => null)
    if (body) scripts.push({ url: new URL(res.url()).pathname, raw: body.length, gzip: gzipSync(body).length })
  })
  for (const u of [ua, ub]) {
    await u.page.goto('/tasks/k1')
    await u.page.getByRole('textbox', { name: 'Explanation' }).waitFor()
    await u.page.waitForFunction((room) => !!window.__codejury?.docs.get(room), ROOM)
  }
  await ua.page.waitForLoadState('networkidle')
  const initialScripts = [...scripts]

  await ub.page.evaluate((room) => {
    const text = window.__codejury!.docs.get(room)!.getText('explanation')
    const w = window as unknown as { arrivals: [number, number][] }
    w.arrivals = []
    text.observe(() => w.arrivals.push([performance.timeOrigin + performance.now(), text.length]))
  }, ROOM)
  await ua.page.evaluate(() => {
    const w = window as unknown as { keydowns: number[] }
    w.keydowns = []
    document.addEventListener('keydown', () => w.keydowns.push(performance.timeOrigin + performance.now()), true)
  })
  const editor = ua.page.getByRole('textbox', { name: 'Explanation' })
  await editor.click()
  const alphabet = 'the quick brown fox jumps over the lazy dog '
  for (let i = 0; i < KEYS; i++) await ua.page.keyboard.type(alphabet[i % alphabet.length], { delay: 0 }).then(() => new Promise((r) => setTimeout(r, DELAY_MS)))
  await ub.page.waitForFunction((n) => ((window as any).arrivals as [number, number][]).some(([, len]) => len >= n), KEYS, { timeout: 30_000 })
  const keydowns: number[] = await ua.page.evaluate(() => (window as any).keydowns)
  const arrivals: [number, number][] = await ub.page.evaluate(() => (window as any).arrivals)
  const lat: number[] = []
  for (let i = 0; i < keydowns.length; i++) {
    const hit = arrivals.find(([, len]) => len >= i + 1)
    if (hit) lat.push(hit[0] - keydowns[i])
  }
  lat.sort((x, y) => x - y)
  const js = {
    files: initialScripts.length,
    rawKB: +(initialScripts.reduce((s, f) => s + f.raw, 0) / 1024).toFixed(1),
    gzipKB: +(initialScripts.reduce((s, f) => s + f.gzip, 0) / 1024).toFixed(1),
  }
  const result = {
    keys: KEYS,
    delivered: lat.length,
    latencyMs: { p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), max: pct(lat, 100) },
    initialJs: js,
    errors: [...ua.errors, ...ub.errors],
  }
  console.log('| measure | value | bar |\n|---|---|---|')
  console.log(`| keystroke → other browser, p50 / p95 / p99 / max | ${result.latencyMs.p50} / ${result.latencyMs.p95} / ${result.latencyMs.p99} / ${result.latencyMs.max} ms (${lat.length}/${KEYS} keys) | p95 ≤ 50 ms |`)
  console.log(`| initial JS of /tasks/:id (gzip) | ${js.gzipKB} KB in ${js.files} files (${js.rawKB} KB raw) | ≤ 250 KB |`)
  console.log(`| console errors | ${result.errors.length} | 0 |`)
  fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true })
  fs.writeFileSync(path.join(import.meta.dirname, 'results', 'keystroke.json'), JSON.stringify(result, null, 2))
  await ua.close()
  await ub.close()
} finally {
  await browser.close()
  await server.stop()
}
