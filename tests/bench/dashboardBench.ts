/**
 * The task lists at 100,000 tasks, in real Chromium against a real server and the production
 * build (docs/performance.md):
 * - the lead's dashboard: navigation → first rows visible, JS heap after GC, DOM nodes;
 * - the queue of an annotator with 20,000 assigned tasks: navigation → first rows visible;
 * - live updates: with the dashboard open, N annotators type in their tasks' workspaces; the
 *   page's events per second and main-thread busy time, against what loading the first page cost.
 * Each measurement is repeated; the figures are printed as ranges (min–max).
 * Run after `npm run build`:
 *   node --import tsx tests/bench/dashboardBench.ts [--tasks 100000] [--assigned 20000] [--runs 3] [--annotators 50] [--live-ms 20000]
 */
import { parseArgs } from 'node:util'
import type { Page } from 'playwright-core'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'
import { api, assign, createUser, startServer, taskLine } from '../helpers/server'
import { launchBrowser, newUserPage } from '../helpers/browser'
import { connectPeer } from '../helpers/peer'
import type { Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    assigned: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
    annotators: { type: 'string', default: '50' },
    'live-ms': { type: 'string', default: '20000' },
  },
})
const TASKS = Number(values.tasks)
const ASSIGNED = Number(values.assigned)
const RUNS = Number(values.runs)
const ANNOTATORS = Number(values.annotators)
const LIVE_MS = Number(values['live-ms'])
/** The import route takes at most 10,000 lines a request. */
const IMPORT_LINES = 10_000
/** Each simulated annotator's pause between two keystrokes. */
const TYPING_INTERVAL_MS = 500

const range = (xs: number[], digits = 0) => {
  const f = (x: number) => x.toFixed(digits)
  return `${f(Math.min(...xs))}–${f(Math.max(...xs))}`
}

/** Records when the first task row enters the document, in ms since navigation start. */
const FIRST_ROW_PROBE = () => {
  const w = window as unknown as { firstRowAt?: number; liveEvents?: number }
  w.liveEvents = 0
  new MutationObserver((_, observer) => {
    if (document.querySelector('tr[data-task]')) {
      w.firstRowAt = performance.now()
      observer.disconnect()
    }
  }).observe(document, { childList: true, subtree: true })
  // Counts every server-sent event the page receives, whatever listens to it.
  const Native = window.EventSource
  window.EventSource = class extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init)
      for (const type of ['task', 'tasks', 'presence', 'progress', 'threads']) {
        this.addEventListener(type, () => (w.liveEvents = (w.liveEvents ?? 0) + 1))
      }
    }
  }
}

async function firstRows(page: Page, path: string) {
  await page.goto(path)
  await page.locator('tr[data-task]').first().waitFor({ timeout: 60_000 })
  return page.evaluate(() => (window as unknown as { firstRowAt: number }).firstRowAt)
}

async function heapAndNodes(page: Page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  const counters = (await cdp.send('Memory.getDOMCounters')) as { nodes: number }
  const inDocument = await page.evaluate(() => document.getElementsByTagName('*').length)
  const rows = await page.locator('tr[data-task]').count()
  await cdp.detach()
  return { heapMb: heap.usedSize / 1e6, nodes: counters.nodes, inDocument, rows }
}

/** Main-thread time a page spent on tasks so far (CDP Performance metrics), in ms; one session per page. */
function busyMeter(page: Page): () => Promise<number> {
  const session = page.context().newCDPSession(page).then(async (cdp) => {
    await cdp.send('Performance.enable')
    return cdp
  })
  return async () => {
    const cdp = await session
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
    return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000
  }
}

const server = await startServer()
const browser = await launchBrowser()
const peers: Peer[] = []
try {
  const started = Date.now()
  const ann = await createUser(server, 'Twenty Thousand', 'annotator')
  for (let done = 0, batch = 0; done < TASKS; batch++) {
    const n = Math.min(IMPORT_LINES, TASKS - done)
    const body = Array.from({ length: n }, (_, i) => taskLine(`t${String(done + i).padStart(6, '0')}`)).join('\n')
    const assignTo = done < ASSIGNED ? `&assign=${ann.id}` : ''
    const res = await api(server, server.leadToken, 'POST', `/api/tasks/import?batch=b${String(batch).padStart(2, '0')}${assignTo}`, body, 'application/x-ndjson')
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`)
    done += n
  }
  console.log(`imported ${TASKS} tasks (${ASSIGNED} assigned to one annotator) in ${((Date.now() - started) / 1000).toFixed(1)} s`)

  const lead = await newUserPage(browser, server, server.leadToken)
  await lead.context.addInitScript(FIRST_ROW_PROBE)
  const queueUser = await newUserPage(browser, server, ann.token)
  await queueUser.context.addInitScript(FIRST_ROW_PROBE)

  const dash = { firstMs: [] as number[], heapMb: [] as number[], nodes: [] as number[], inDocument: [] as number[], loadBusyMs: [] as number[] }
  const queue = { firstMs: [] as number[] }
  for (let run = 0; run < RUNS; run++) {
    // A new tab each run: its own renderer, so its busy time counts this load only.
    const page = await lead.context.newPage()
    const busyMs = busyMeter(page)
    await busyMs()
    dash.firstMs.push(await firstRows(page, '/lead'))
    await page.waitForLoadState('networkidle')
    dash.loadBusyMs.push(await busyMs())
    const m = await heapAndNodes(page)
    dash.heapMb.push(m.heapMb)
    dash.nodes.push(m.nodes)
    dash.inDocument.push(m.inDocument)
    const requests = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/'))
        .map((e) => `${new URL(e.name).pathname} ${Math.round(e.startTime)}+${Math.round(e.duration)}`)
        .join(', '),
    )
    await page.close()
    queue.firstMs.push(await firstRows(queueUser.page, '/'))
    console.log(`run ${run + 1}: dashboard first rows ${dash.firstMs.at(-1)!.toFixed(0)} ms, busy ${dash.loadBusyMs.at(-1)!.toFixed(0)} ms, heap ${m.heapMb.toFixed(1)} MB, ${m.nodes} DOM nodes (${m.inDocument} elements, ${m.rows} rows); queue first rows ${queue.firstMs.at(-1)!.toFixed(0)} ms`)
    console.log(`  requests (ms since navigation, start+duration): ${requests}`)
  }

  // Live: ANNOTATORS people, each assigned one task of the dashboard's first page (rows it holds
  // and renders: the costliest case), typing in its workspace.
  const typists = []
  for (let i = 0; i < ANNOTATORS; i++) {
    const user = await createUser(server, `Typist ${i}`, 'annotator')
    const task = `t${String(i * 2).padStart(6, '0')}`
    await assign(server, task, [user.id])
    typists.push({ user, task })
  }
  const live = { eventsPerS: [] as number[], busyMsPerS: [] as number[], busyShare: [] as number[] }
  for (let run = 0; run < RUNS; run++) {
    const page = await lead.context.newPage()
    const busyMs = busyMeter(page)
    await firstRows(page, '/lead')
    await page.waitForLoadState('networkidle')
    for (const { user, task } of typists) peers.push(connectPeer(server.wsUrl, roomName.workspace(task), user.token))
    await waitFor(() => peers.every((p) => p.provider.synced), 'every typist to sync', 60_000)
    const events0 = await page.evaluate(() => (window as unknown as { liveEvents: number }).liveEvents)
    const busy0 = await busyMs()
    const t0 = Date.now()
    let typed = 0
    const timers = peers.map((p, i) =>
      setInterval(() => {
        // A word at a time, so the task's progress (its word count) changes with each keystroke.
        const text = getWorkspace(p.doc).explanation
        text.insert(text.length, 'x ')
        typed++
      }, TYPING_INTERVAL_MS + (i % 10)),
    )
    await new Promise((r) => setTimeout(r, LIVE_MS))
    timers.forEach(clearInterval)
    const seconds = (Date.now() - t0) / 1000
    const events = (await page.evaluate(() => (window as unknown as { liveEvents: number }).liveEvents)) - events0
    const busy = (await busyMs()) - busy0
    live.eventsPerS.push(events / seconds)
    live.busyMsPerS.push(busy / seconds)
    live.busyShare.push(busy / (seconds * 1000))
    console.log(`live run ${run + 1}: ${typed} keystrokes by ${ANNOTATORS} people in ${seconds.toFixed(1)} s; ${events} events (${(events / seconds).toFixed(1)}/s), main thread busy ${busy.toFixed(0)} ms (${(busy / seconds).toFixed(1)} ms/s)`)
    for (const p of peers.splice(0)) p.destroy()
    await page.close()
  }

  console.log('\nsummary (ranges over runs)')
  console.log(`dashboard first rows: ${range(dash.firstMs)} ms (bar ≤ 1000)`)
  console.log(`dashboard JS heap after GC: ${range(dash.heapMb, 1)} MB (bar ≤ 150)`)
  console.log(`dashboard DOM nodes: ${range(dash.nodes)} (bar ≤ 20000); elements in the document: ${range(dash.inDocument)}`)
  console.log(`dashboard first page, main thread busy: ${range(dash.loadBusyMs)} ms`)
  console.log(`queue (${ASSIGNED} assigned) first rows: ${range(queue.firstMs)} ms (bar ≤ 1000)`)
  console.log(`live, ${ANNOTATORS} typing: ${range(live.eventsPerS, 1)} events/s, main thread busy ${range(live.busyMsPerS, 1)} ms per s (${range(live.busyShare.map((x) => x * 100), 1)} %)`)
  console.log(`(the first page's load, for comparison: ${range(dash.loadBusyMs)} ms of main-thread time)`)
  await lead.close()
  await queueUser.close()
} finally {
  for (const p of peers) p.destroy()
  await browser.close()
  await server.stop()
}
