/**
 * The server's own evidence (docs/sandbox.md#evidence): the team's tests run
 * against the reference solution and every candidate in the server's sandbox, one fresh process
 * per subject. On request the runs land in the workspace's `server_runs` map (written by the
 * server only); at finalize they are the record's only runs. When the machine cannot isolate
 * runs, nothing runs and the record says its evidence is browser-reported.
 */
import type * as Y from 'yjs'
import { CodejuryError } from '../../shared/errors'
import { Access } from '../../shared/permissions'
import { SOLUTION_RUN_KEY } from '../../shared/readers'
import { roomName } from '../../shared/roomNames'
import { readWorkspaceContent, sha256Hex } from '../../shared/record'
import { toReportedRun, toRunLanguage } from '../../shared/runs'
import { WorkspaceRoot, type RunResult } from '../../shared/schema'
import { DEFAULT_RUN_TIMEOUT_MS, type Batch, type Task } from '../../shared/types'
import type { Sandbox, SubjectRun } from '../sandbox/sandbox'
import type { StoredUser, RecordsDb } from '../storage/recordsDb'
import type { Rooms } from '../sync/rooms'
import type { LiveAccess } from './access'

/** Tasks whose last evidence is kept for a repeated request; the oldest is forgotten first. */
const MAX_KEPT_TASKS = 256

/** `ran_by` of every run the server made itself. */
export const SERVER_RAN_BY = 'server'

/** A run the server made: a run as docs/protocol.md#the-runs-map describes it, its tampering flags, and the runtime that ran it. */
export type ServerRun = RunResult & { flags?: string[]; runtime: Record<string, string> }

/** Where a record's evidence came from; `reason` says why it is not the server's own. */
export type EvidenceSource = { source: 'server' } | { source: 'browser-reported'; reason: string }

/** The texts a set of runs ran: the tests and every subject's code. */
export interface EvidenceInput {
  tests: string
  solution: string
}

/** The server's runs of one task's current texts, keyed by subject (`solution` or a candidate id). */
export interface ServerEvidence {
  runs: Map<string, ServerRun>
  /** A key of everything the runs depend on: equal keys, equal evidence. */
  key: string
}

export interface EvidenceDeps {
  db: RecordsDb
  rooms: Rooms
  sandbox: Sandbox
  access?: LiveAccess
  now?: () => Date
}

/** Why the server gives no evidence of its own for `task` now; null when it can run it. */
export function evidenceUnavailable(sandbox: Sandbox, task: Task): string | null {
  const status = sandbox.status()
  if (status.state === 'unavailable') return status.reason
  if (status.state === 'starting') return 'the sandbox is still starting'
  if (!toRunLanguage(task.language)) return `the server cannot run ${task.language}`
  return null
}

/** What a set of runs depends on: language, time limit, tests and each subject's code. */
function evidenceKey(task: Task, batch: Batch | undefined, input: EvidenceInput): string {
  const parts = [task.language, String(batch?.run_timeout_ms ?? DEFAULT_RUN_TIMEOUT_MS), task.entry_point ?? '', sha256Hex(input.tests), sha256Hex(input.solution)]
  for (const c of task.candidates) parts.push(c.id, sha256Hex(c.code))
  return sha256Hex(parts.join('\0'))
}

/**
 * Runs the tests against the solution and every candidate in the sandbox. Throws CodejuryError
 * (conflict) when the server cannot run them, with the reason; never returns partial evidence.
 * The last evidence per task is kept, so asking twice for the same texts runs them once.
 */
export class EvidenceService {
  private readonly last = new Map<string, ServerEvidence>()
  private readonly inFlight = new Map<string, Promise<ServerEvidence>>()

  constructor(private readonly deps: EvidenceDeps) {}

  /** The sandbox's status, for health. */
  status() {
    return this.deps.sandbox.status()
  }

  /** Why the server gives no evidence of its own for `task` now; null when it runs it. */
  unavailableFor(task: Task): string | null {
    return evidenceUnavailable(this.deps.sandbox, task)
  }

  /** The warm pools: idle processes per runtime and their resident memory. */
  pool() {
    return { idle: this.deps.sandbox.poolIdle(), memory_bytes: this.deps.sandbox.poolMemoryBytes() }
  }

  /** The sandbox's CPU so far, for benchmarks: subjects run and their processes' CPU time, starts included. */
  spentCpu() {
    return this.deps.sandbox.spentCpu()
  }

  /** Resolves once the start-up probe decided whether this server runs code. */
  async settled(): Promise<void> {
    await this.deps.sandbox.settled()
  }

  /** The server's runs of `input` for `task`; reuses the last ones when nothing they depend on changed. */
  async run(task: Task, input: EvidenceInput): Promise<ServerEvidence> {
    await this.settled()
    const why = evidenceUnavailable(this.deps.sandbox, task)
    if (why) throw new CodejuryError('conflict', `the server cannot run the tests: ${why}`)
    const batch = this.deps.db.batch(task.batch)
    const key = evidenceKey(task, batch, input)
    const cached = this.last.get(task.id)
    if (cached?.key === key) return cached
    const flightKey = `${task.id}\0${key}`
    const pending = this.inFlight.get(flightKey)
    if (pending) return pending
    const work = this.runAll(task, batch, input, key).finally(() => this.inFlight.delete(flightKey))
    this.inFlight.set(flightKey, work)
    return work
  }

  /**
   * On request: runs the current texts of the task's workspace and stores the runs in its
   * `server_runs` map. The lead and the task's assigned annotators may ask while the task is
   * writable for them; others are refused as the workspace would refuse them.
   */
  async runAndStore(user: StoredUser, taskId: string): Promise<{ runs: Map<string, ServerRun> }> {
    this.assertMayAsk(user, taskId)
    const task = this.deps.db.task(taskId)!
    const input = await this.readInput(taskId)
    const evidence = await this.run(task, input)
    await this.deps.rooms.transact(roomName.workspace(taskId), (doc) => {
      // Decided again inside the write: a finalize that began meanwhile seals the room.
      this.assertMayAsk(user, taskId)
      storeServerRuns(doc, evidence.runs)
    })
    return { runs: evidence.runs }
  }

  /** The workspace's current tests and solution. */
  async readInput(taskId: string): Promise<EvidenceInput> {
    const room = await this.deps.rooms.open(roomName.workspace(taskId))
    return readEvidenceInput(room.doc, this.deps.db.task(taskId)?.candidates.map((c) => c.id) ?? [])
  }

  private assertMayAsk(user: StoredUser, taskId: string): void {
    const task = this.deps.db.task(taskId)
    const assigned = task?.assignees.includes(user.id) ?? false
    if (!task || (user.role === 'annotator' && !assigned)) throw new CodejuryError('not-found', 'no such task')
    if (user.role === 'reviewer') throw new CodejuryError('forbidden', 'a reviewer does not run tests')
    const verdict = this.deps.access?.decide(user.id, null, { kind: 'workspace', taskId })
    if (verdict && 'close' in verdict) throw new CodejuryError('not-found', 'no such task')
    if (verdict && verdict.access !== Access.write) throw new CodejuryError('conflict', `the tests cannot be run now: ${verdict.reason}`)
  }

  private async runAll(task: Task, batch: Batch | undefined, input: EvidenceInput, key: string): Promise<ServerEvidence> {
    const language = toRunLanguage(task.language)!
    const timeoutMs = batch?.run_timeout_ms ?? DEFAULT_RUN_TIMEOUT_MS
    const testsSha = sha256Hex(input.tests)
    const subjects: [string, string][] = [[SOLUTION_RUN_KEY, input.solution], ...task.candidates.map((c) => [c.id, c.code] as [string, string])]
    const runs = new Map<string, ServerRun>()
    const versions = this.deps.sandbox.status()
    const runtime: Record<string, string> = versions.state === 'ready' ? (language === 'python' ? { pyodide: versions.runtime.pyodide } : { quickjs: versions.runtime.quickjs }) : {}
    await Promise.all(
      subjects.map(async ([subject, code]) => {
        let result: SubjectRun
        try {
          result = await this.deps.sandbox.run({ language, code, tests: input.tests, timeoutMs, ...(task.entry_point ? { entryPoint: task.entry_point } : {}) })
        } catch (err) {
          throw new CodejuryError('conflict', `the server could not run the tests: ${(err as Error).message}`)
        }
        const outcome = { ...result.outcome, ...(result.flags.length ? { flags: [...new Set([...(result.outcome.flags ?? []), ...result.flags])] } : {}) }
        const reported = toReportedRun(outcome, { testsSha256: testsSha, codeSha256: sha256Hex(code) })
        const run: ServerRun = { ...reported, ran_by: SERVER_RAN_BY, ran_at: this.now(), runtime }
        runs.set(subject, run)
      }),
    )
    // In subject order, whatever order the runs ended in.
    const ordered = new Map(subjects.map(([s]) => [s, runs.get(s)!]))
    const evidence = { runs: ordered, key }
    this.last.delete(task.id)
    this.last.set(task.id, evidence)
    if (this.last.size > MAX_KEPT_TASKS) this.last.delete(this.last.keys().next().value!)
    return evidence
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString()
  }
}

/** The texts the server's runs depend on, read as the gate and the record read them. */
export function readEvidenceInput(doc: Y.Doc, candidateIds: readonly string[]): EvidenceInput {
  const content = readWorkspaceContent(doc, candidateIds, [])
  return { tests: content.tests, solution: content.solution }
}

/** Writes the server's runs into `server_runs`, replacing the previous set whole. */
export function storeServerRuns(doc: Y.Doc, runs: Map<string, ServerRun>): void {
  const map = doc.getMap<ServerRun>(WorkspaceRoot.server_runs)
  for (const key of [...map.keys()]) if (!runs.has(key)) map.delete(key)
  for (const [key, run] of runs) map.set(key, run)
}

/** The runs as a record holds them: a plain object built from known subjects only. */
export function runsForRecord(runs: Map<string, ServerRun>): Record<string, ServerRun> {
  const out = Object.create(null) as Record<string, ServerRun>
  for (const [key, run] of runs) out[key] = run
  return out
}

/**
 * Finalize's evidence, in two steps around the seal. `beforeSeal` runs the server's evidence of
 * the texts as they are (while the rooms are still writable, so a slow suite never freezes
 * them); `afterSeal` runs it again for the sealed texts, which returns the same runs at once when
 * nothing changed and reruns when something did. Without a sandbox both give browser-reported.
 */
export interface FinalizeEvidence {
  beforeSeal(task: Task, input: EvidenceInput): Promise<FinalEvidence>
  afterSeal(task: Task, input: EvidenceInput): Promise<FinalEvidence>
}

/** The evidence a record is built on: the server's runs, or null with why they are browser-reported. */
export type FinalEvidence = { source: EvidenceSource; runs: Record<string, ServerRun> | null }

/** Finalize's two steps over an evidence service. */
export function finalizeEvidence(service: EvidenceService): FinalizeEvidence {
  const step = async (task: Task, input: EvidenceInput): Promise<FinalEvidence> => {
    // A finalize that arrives while the start-up probe runs waits for its verdict.
    await service.settled()
    const why = service.unavailableFor(task)
    if (why) return { source: { source: 'browser-reported', reason: why }, runs: null }
    const evidence = await service.run(task, input)
    return { source: { source: 'server' }, runs: runsForRecord(evidence.runs) }
  }
  return { beforeSeal: step, afterSeal: step }
}
