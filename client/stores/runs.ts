/**
 * The runs store: the workspace's `runs` (browser) and `server_runs` (the server's sandbox) maps as
 * signals, staleness, how the two compare, and running subjects in the browser sandbox.
 */
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import type { Workspace, RunResult } from '../../shared/schema'
import type { TaskDetail } from '../../shared/types'
import { ownEntry, readRuns, SOLUTION_RUN_KEY } from '../../shared/readers'
import { readRanking } from '../../shared/ranking'
import { sha256Hex } from '../../shared/record'
import { isStale, runChecks, runtimeOf, toReportedRun, toRunLanguage, type Outcome, type RunChecks, type RunLanguage } from '../../shared/runs'
import { compareEvidence, disagreements, type EvidenceComparison, type RunVerdict } from '../../shared/runEvidence'
import { getSandbox } from '../runner/sandbox'
import { reportRun } from '../api'

/** The longest a page waits for an idle moment before it starts warming the runtime. */
const WARM_AFTER_MS = 1_500

/** What a subject is doing in this tab right now. */
export interface Running {
  done: number
  total: number
}

/** SHA-256 hex of `text` through Web Crypto; pages served over plain http off localhost have no `crypto.subtle`. */
export async function sha256(text: string): Promise<string> {
  if (globalThis.crypto?.subtle) {
    const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  }
  return sha256Hex(text)
}

/** The runs store of one workspace. */
export interface RunsStore {
  /** The sandbox language, or null when the task's language cannot run here. */
  language: RunLanguage | null
  /** Subjects in matrix order: the reference solution, then the candidates. */
  subjects: readonly string[]
  runs: Accessor<Record<string, RunResult>>
  /** The server's own runs (`server_runs`): the evidence finalize weighs when the server runs code. */
  serverRuns: Accessor<Record<string, RunResult>>
  /** Whether `key`'s stored browser run ran other tests or other code than the workspace holds now. */
  stale(key: string): boolean
  /** The same for `key`'s server run. */
  serverStale(key: string): boolean
  /** How `key`'s browser run and server run relate (shared/runEvidence.ts). */
  comparison(key: string): EvidenceComparison
  /** Subjects whose browser and server runs of the same texts disagree. */
  disagreements: Accessor<{ subject: string; browser: RunVerdict; server: RunVerdict }[]>
  checks: Accessor<RunChecks>
  running: Accessor<Record<string, Running | 'queued'>>
  /** This tab's last outcome per subject (stdout/stderr and load errors stay local: the map has no room for them). */
  local: Accessor<Record<string, Outcome>>
  /** Why this tab's last report of a subject's run was refused or failed, per subject. */
  unreported: Accessor<Record<string, string>>
  runAll(): Promise<void>
  runOne(key: string): Promise<void>
}

/**
 * Follows `ws.runs`, the tests and the solution, and runs subjects in the sandbox, reporting each
 * result to the server as it arrives (`POST /api/tasks/:id/runs`); the server stamps it and writes
 * it into the `runs` map, so every open page sees it at once. This page never writes that map. The
 * hashes reported are those of the exact text that ran: an edit during a run leaves it stale.
 */
export function createRuns(ws: Workspace, task: TaskDetail, me: { id: string }, canRun: boolean): RunsStore {
  const ids = task.candidates.map((c) => c.id)
  const code = new Map(task.candidates.map((c) => [c.id, c.code]))
  const language = toRunLanguage(task.language)
  const [runs, setRuns] = createSignal(readRuns(ws.runs, ids))
  const [serverRuns, setServerRuns] = createSignal(readRuns(ws.server_runs, ids))
  const [ranking, setRanking] = createSignal(readRanking(ws.ranking, ids))
  // The tests' hash apart from the subjects' (a candidate may be named `tests`), keyed in a Map.
  const [hashes, setHashes] = createSignal<{ tests: string | null; subjects: Map<string, string> }>({ tests: null, subjects: new Map() })
  const [running, setRunning] = createSignal<Record<string, Running | 'queued'>>({})
  const [local, setLocal] = createSignal<Record<string, Outcome>>({})
  const [unreported, setUnreported] = createSignal<Record<string, string>>({})

  const rehash = async () => {
    const [tests, ...entries] = await Promise.all(
      [['', ws.tests.toString()], [SOLUTION_RUN_KEY, ws.solution.toString()], ...[...code]].map(
        async ([k, text]) => [k, await sha256(text)] as const,
      ),
    )
    setHashes({ tests: tests[1], subjects: new Map(entries) })
  }
  void rehash()
  const onRuns = () => setRuns(readRuns(ws.runs, ids))
  const onServerRuns = () => setServerRuns(readRuns(ws.server_runs, ids))
  const onRanking = () => setRanking(readRanking(ws.ranking, ids))
  const onText = () => void rehash()
  ws.runs.observe(onRuns)
  ws.server_runs.observe(onServerRuns)
  ws.ranking.observe(onRanking)
  ws.tests.observe(onText)
  ws.solution.observe(onText)
  onCleanup(() => {
    ws.runs.unobserve(onRuns)
    ws.server_runs.unobserve(onServerRuns)
    ws.ranking.unobserve(onRanking)
    ws.tests.unobserve(onText)
    ws.solution.unobserve(onText)
  })
  // The runtime starts warming while the person reads the task, once the page has
  // settled (it competes for the CPU with the first render and sync otherwise), and only for
  // someone who can run tests here.
  if (language && canRun) {
    // Offline (a workspace reloaded from the cache) the runtime cannot download: warm once back.
    const warm = () => {
      if (navigator.onLine) getSandbox().warm(language)
      else window.addEventListener('online', warm, { once: true })
    }
    const idle = typeof requestIdleCallback === 'function' ? requestIdleCallback(warm, { timeout: WARM_AFTER_MS }) : null
    const timer = idle === null ? setTimeout(warm, WARM_AFTER_MS) : null
    onCleanup(() => {
      if (idle !== null) cancelIdleCallback(idle)
      if (timer !== null) clearTimeout(timer)
      window.removeEventListener('online', warm)
    })
  }

  const staleIn = (all: Record<string, RunResult>, key: string): boolean => {
    const run = ownEntry(all, key)
    const h = hashes()
    const codeSha = h.subjects.get(key)
    if (!run || !h.tests || !codeSha) return false
    return isStale(run, h.tests, codeSha)
  }
  const stale = (key: string) => staleIn(runs(), key)
  const serverStale = (key: string) => staleIn(serverRuns(), key)
  const comparison = (key: string): EvidenceComparison => {
    const h = hashes()
    const codeSha = h.subjects.get(key)
    return compareEvidence(ownEntry(runs(), key), ownEntry(serverRuns(), key), h.tests && codeSha ? { tests: h.tests, code: codeSha } : null)
  }
  // The evidence the checks weigh, as finalize does: a subject's current server run when there is
  // one, else its current browser run. Rebuilt from entries, so an id such as `__proto__` stays own.
  const current = () =>
    Object.fromEntries(
      [SOLUTION_RUN_KEY, ...ids].flatMap((k) => {
        const server = serverStale(k) ? undefined : ownEntry(serverRuns(), k)
        const browser = stale(k) ? undefined : ownEntry(runs(), k)
        const run = server ?? browser
        return run ? [[k, run] as const] : []
      }),
    )
  const setState = (key: string, state: Running | 'queued' | null) =>
    // Rebuilt from entries, so a subject id such as `__proto__` stays an own key.
    setRunning((r) => Object.fromEntries([...Object.entries(r).filter(([k]) => k !== key), ...(state === null ? [] : [[key, state] as const])]))

  const runSubjects = async (keys: string[]) => {
    if (!language) return
    const tests = ws.tests.toString()
    for (const k of keys) setState(k, 'queued')
    const testsSha = await sha256(tests)
    // Every subject goes to the sandbox at once: it runs as many side by side as it has workers
    // for the runtime, and each result lands in the map the moment its subject ends.
    const runKey = async (key: string) => {
      const text = key === SOLUTION_RUN_KEY ? ws.solution.toString() : (code.get(key) ?? '')
      try {
        const outcome = await getSandbox().run({
          language,
          code: text,
          tests,
          timeoutMs: task.run_timeout_ms,
          entryPoint: task.entry_point,
          onProgress: (done, total) => setState(key, { done, total }),
        })
        setLocal((l) => ({ ...l, [key]: outcome }))
        // The runner's own failure says nothing about the subject: shown here, never shared.
        if (outcome.infra) return
        const run = toReportedRun(outcome, { testsSha256: testsSha, codeSha256: await sha256(text) })
        try {
          await reportRun(task.id, key, run)
          setUnreported(({ [key]: _, ...rest }) => rest)
        } catch (e) {
          setUnreported((u) => ({ ...u, [key]: `not shared: ${(e as Error).message}` }))
        }
      } finally {
        setState(key, null)
      }
    }
    // Where subjects run side by side (QuickJS), the slowest last time starts first, so a slow
    // candidate does not start last and hold up the whole matrix (longest-first scheduling).
    const last = runs()
    const order = runtimeOf(language) === 'js' ? [...keys].sort((a, b) => (ownEntry(last, b)?.duration_ms ?? 0) - (ownEntry(last, a)?.duration_ms ?? 0)) : keys
    await Promise.all(order.map(runKey))
  }

  const subjects = [SOLUTION_RUN_KEY, ...ids]
  return {
    language,
    subjects,
    runs,
    serverRuns,
    stale,
    serverStale,
    comparison,
    disagreements: () => disagreements(subjects, (k) => ownEntry(runs(), k), (k) => ownEntry(serverRuns(), k)),
    checks: () => runChecks(current(), ids, ranking()),
    running,
    local,
    unreported,
    // The reference solution runs only once someone wrote one.
    runAll: () => runSubjects(subjects.filter((k) => k !== SOLUTION_RUN_KEY || ws.solution.toString().trim() !== '')),
    runOne: (key) => runSubjects([key]),
  }
}
