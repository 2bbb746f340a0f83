/**
 * Server memory, TypeScript through tsx (`npm run dev`) against the compiled build (`npm start`):
 * resident set size idle after start with the demo data, then while clients edit every demo task.
 * Same Node flags for both (package.json "start"); runs alternate so machine noise hits both.
 *
 *   npm run build && node --import tsx tests/bench/serverRss.ts [--runs 3] [--clients 6] [--seconds 15]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { connectPeer, type Peer } from '../helpers/peer'
import { waitFor } from '../helpers/waitFor'
import { getWorkspace } from '../../shared/schema'
import { roomName } from '../../shared/roomNames'
import { readRssKB } from './procStats'
import { serverNodeFlags } from './servers/adapters'
import { REPO_ROOT } from './servers/serverProcess'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, clients: { type: 'string', default: '6' }, seconds: { type: 'string', default: '15' } } })
const RUNS = Number(values.runs)
const CLIENTS_PER_TASK = Number(values.clients)
const LOAD_S = Number(values.seconds)
const EDITS_PER_S = 2
// Each stock provider in Node adds a process 'exit' listener.
process.setMaxListeners(0)

const MODES = {
  tsx: ['--import', 'tsx', 'server/main.ts'],
  built: ['dist/server/main.js'],
} as const
type Mode = keyof typeof MODES

interface Sample { idleKB: number; loadedKB: number; peakKB: number; startMs: number }

function readHwmKB(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
}

/** RSS once it stops moving: no sample in the last 2 s differs by more than 1 % (at most 20 s). */
async function settledRss(pid: number): Promise<number> {
  const window: number[] = []
  const deadline = Date.now() + 20_000
  for (;;) {
    window.push(readRssKB(pid))
    if (window.length > 8) window.shift()
    const lo = Math.min(...window)
    if ((window.length === 8 && Math.max(...window) - lo <= lo * 0.01) || Date.now() > deadline) return window.at(-1)!
    await new Promise((r) => setTimeout(r, 250)) // the sampling period: RSS is read, not waited for
  }
}

async function oneRun(mode: Mode): Promise<Sample> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cj-rss-'))
  const started = Date.now()
  const proc: ChildProcess = spawn(process.execPath, [...serverNodeFlags(), ...MODES[mode]], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SANDBOX: 'off', QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  const peers: Peer[] = []
  try {
    await waitFor(() => /listening on http/.test(out) || proc.exitCode !== null, 'the server to listen', 60_000)
    const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1]
    if (!url) throw new Error(`${mode} server did not start:\n${out}`)
    const startMs = Date.now() - started
    const idleKB = await settledRss(proc.pid!)

    const lead = fs.readFileSync(path.join(dataDir, 'lead-token'), 'utf8').trim()
    const res = await fetch(`${url}/api/tasks`, { headers: { authorization: `Bearer ${lead}` } })
    const tasks = ((await res.json()) as { tasks: { id: string }[] }).tasks
    if (tasks.length === 0) throw new Error('no demo tasks')
    const wsUrl = url.replace(/^http/, 'ws') + '/ws'
    for (const t of tasks) for (let i = 0; i < CLIENTS_PER_TASK; i++) peers.push(connectPeer(wsUrl, roomName.workspace(t.id), lead))
    await waitFor(() => peers.every((p) => p.provider.synced), 'every client to sync', 60_000)
    // Every client types into its task's explanation EDITS_PER_S times a second.
    let n = 0
    const timer = setInterval(() => {
      for (const p of peers) getWorkspace(p.doc).explanation.insert(0, `e${n} `)
      n++
    }, 1000 / EDITS_PER_S)
    let loadedKB = 0
    const until = Date.now() + LOAD_S * 1000
    while (Date.now() < until) {
      loadedKB = Math.max(loadedKB, readRssKB(proc.pid!))
      await new Promise((r) => setTimeout(r, 250)) // the sampling period while the load runs
    }
    clearInterval(timer)
    // The load was real: the last edit reached another client of the same task.
    const last = `e${n - 1} `
    await waitFor(() => getWorkspace(peers[1].doc).explanation.toString().includes(last), 'the last edit to be relayed', 30_000)
    return { idleKB, loadedKB, peakKB: readHwmKB(proc.pid!), startMs }
  } finally {
    for (const p of peers) p.destroy()
    proc.kill('SIGTERM')
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)))
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

const range = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`
const mb = (kb: number) => Math.round(kb / 1024)

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/server/main.js'))) throw new Error('run `npm run build` first')
  const samples = new Map<Mode, Sample[]>([['tsx', []], ['built', []]])
  console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; flags: ${serverNodeFlags().join(' ')}`)
  for (let r = 0; r < RUNS; r++) {
    for (const mode of (r % 2 === 0 ? ['tsx', 'built'] : ['built', 'tsx']) as Mode[]) {
      const s = await oneRun(mode)
      samples.get(mode)!.push(s)
      console.log(`run ${r + 1} ${mode.padEnd(5)} start ${s.startMs} ms, idle ${mb(s.idleKB)} MB, loaded ${mb(s.loadedKB)} MB, peak ${mb(s.peakKB)} MB`)
    }
  }
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  for (const [mode, xs] of samples) {
    console.log(`${mode.padEnd(5)} idle ${range(xs.map((s) => mb(s.idleKB)))} MB, loaded ${range(xs.map((s) => mb(s.loadedKB)))} MB, peak ${range(xs.map((s) => mb(s.peakKB)))} MB, start ${range(xs.map((s) => s.startMs))} ms`)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const ratio = (k: keyof Sample) => (median(samples.get('built')!.map((s) => s[k])) / median(samples.get('tsx')!.map((s) => s[k]))).toFixed(2)
  console.log(`built/tsx medians: idle ${ratio('idleKB')}, loaded ${ratio('loadedKB')}, peak ${ratio('peakKB')}, start ${ratio('startMs')}`)
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
