/**
 * The server's own sandbox for test runs (docs/sandbox.md#the-servers-sandbox): probes
 * the machine at start-up, keeps a warm pool per runtime, and runs one subject per process. When
 * the machine cannot give the isolation, it says why and runs nothing.
 */
import { noCaseReason, runStatusOf, MAX_RUN_TIMEOUT_MS, type Outcome } from '../../shared/runs'
import type { RunCase } from '../../shared/schema'
import { bundleDriver, defaultCacheDir, runtimePackages, runtimeVersions } from './driverBundle'
import { nodeBinary, nodeLibraries } from './launch'
import { findTool, probeIsolation, runInSandbox } from './probe'
import { ensurePythonSnapshot } from './snapshot'
import type { Exchange, SandboxSetup } from './sandboxProcess'
import { WarmPool } from './warmPool'

/** Resident memory at which a sandboxed process is killed unless SANDBOX_MEMORY_MB says otherwise. */
export const SANDBOX_MEMORY_MB = 512
/** Warm processes kept per runtime (filled from the first run on) unless SANDBOX_POOL says otherwise. */
export const SANDBOX_POOL_SIZE = 2
/** Subjects run at once, whatever the number of requests. */
export const SANDBOX_CONCURRENCY = 2
/** Added to a subject's own limit for the process's wall clock: the harness stops it first. */
const WALL_MARGIN_MS = 2_000

/** `auto` probes and runs when isolation holds; `off` never runs code on the server. */
export type SandboxMode = 'auto' | 'off'

export interface SandboxOptions {
  mode: SandboxMode
  cacheDir?: string
  poolSize?: number
  memoryMb?: number
  onError?: (message: string, err: unknown) => void
}

/** Whether the server runs code: still probing, ready (with its runtime versions), or why not. */
export type SandboxStatus =
  | { state: 'starting' }
  | { state: 'ready'; runtime: { pyodide: string; quickjs: string } }
  | { state: 'unavailable'; reason: string }

/** One subject to run. */
export interface Subject {
  language: 'python' | 'javascript' | 'typescript'
  code: string
  tests: string
  timeoutMs: number
  entryPoint?: string
}

/** What the sandbox gives back for one subject; `flags` name what the process did that no honest run does. */
export interface SubjectRun {
  outcome: Outcome
  flags: string[]
  warm: boolean
  /** CPU time of the subject's process, its start included (a measurement for benchmarks). */
  cpuMs: number
}

/** The sandbox cannot run code here (no isolation, or not probed yet); the message says why. */
export class SandboxUnavailable extends Error {}

export class Sandbox {
  private state: SandboxStatus = { state: 'starting' }
  private setup: SandboxSetup | null = null
  private readonly pools = new Map<'python' | 'js', WarmPool>()
  private readonly started: Promise<SandboxStatus>
  private running = 0
  private readonly waiting: (() => void)[] = []
  private closed = false
  private readonly spent = { subjects: 0, cpuMs: 0 }

  constructor(private readonly options: SandboxOptions) {
    this.started = options.mode === 'off' ? Promise.resolve(this.fail('the sandbox is turned off (SANDBOX=off)')) : this.start()
  }

  /** The current status, for health and the record. */
  status(): SandboxStatus {
    return this.state
  }

  /** Resolves once the start-up probe decided. */
  settled(): Promise<SandboxStatus> {
    return this.started
  }

  /** Resident memory of the warm pools. */
  poolMemoryBytes(): number {
    return [...this.pools.values()].reduce((sum, p) => sum + p.memoryBytes(), 0)
  }

  /** CPU time the idle warm processes spent starting, in milliseconds. */
  poolCpuMs(): number {
    return [...this.pools.values()].reduce((sum, p) => sum + p.cpuMs(), 0)
  }

  /** Subjects run so far and the CPU time their processes used together, starts included (for benchmarks). */
  spentCpu(): { subjects: number; cpuMs: number } {
    return { ...this.spent }
  }

  /** Idle warm processes per runtime. */
  poolIdle(): Record<'python' | 'js', number> {
    return { python: this.pools.get('python')?.idleCount ?? 0, js: this.pools.get('js')?.idleCount ?? 0 }
  }

  /**
   * Runs one subject in a fresh sandboxed process. Throws SandboxUnavailable when the server runs
   * no code, and Error when the sandbox itself failed (no evidence about the subject either way).
   */
  async run(subject: Subject): Promise<SubjectRun> {
    const status = await this.started
    if (status.state !== 'ready' || this.closed) throw new SandboxUnavailable(status.state === 'unavailable' ? status.reason : 'the sandbox is closed')
    await this.slot()
    try {
      const pool = this.pools.get(subject.language === 'python' ? 'python' : 'js')!
      // Pools fill from the first run on: a server that never runs code keeps no processes.
      const { proc, warm } = pool.take()
      try {
        await proc.ready
      } catch (err) {
        throw new Error(`the sandbox did not start: ${(err as Error).message}`)
      }
      const timeoutMs = Math.min(Math.max(subject.timeoutMs, 1), MAX_RUN_TIMEOUT_MS)
      const ex = await proc.exchange(
        { type: 'run', language: subject.language, code: subject.code, tests: subject.tests, timeout_ms: timeoutMs, ...(subject.entryPoint ? { entry_point: subject.entryPoint } : {}) },
        timeoutMs + WALL_MARGIN_MS,
      )
      this.spent.subjects++
      this.spent.cpuMs += ex.cpuMs ?? 0
      return { ...toOutcome(ex), warm, cpuMs: ex.cpuMs ?? 0 }
    } finally {
      this.release()
    }
  }

  /** Fills the warm pools now instead of at the first run (a server expecting finalizes soon). */
  async warm(): Promise<void> {
    const status = await this.started
    if (status.state === 'ready' && !this.closed) for (const pool of this.pools.values()) pool.fill()
  }

  /**
   * Runs `source` (an async function body) in a fresh sandbox with every right JavaScript has
   * there, and returns what it returned: how the isolation probes show what a subject that took
   * over its process could reach.
   */
  async probe(source: string): Promise<unknown> {
    const status = await this.started
    if (status.state !== 'ready' || !this.setup) throw new SandboxUnavailable(status.state === 'unavailable' ? status.reason : 'the sandbox is closed')
    return runInSandbox(this.setup, source)
  }

  /** Kills the warm pools; runs in progress end with their processes. */
  close(): void {
    this.closed = true
    for (const p of this.pools.values()) p.close()
  }

  private async start(): Promise<SandboxStatus> {
    try {
      const bwrap = findTool('bwrap')
      if (!bwrap) return this.fail('bubblewrap (bwrap) is not installed')
      const cacheDir = this.options.cacheDir ?? defaultCacheDir()
      const nodeBin = nodeBinary()
      const setup: SandboxSetup = {
        bwrap,
        setpriv: findTool('setpriv'),
        nodeBin,
        libraries: nodeLibraries(nodeBin),
        files: { driver: await bundleDriver(cacheDir), packages: runtimePackages() },
        memoryCapBytes: (this.options.memoryMb ?? SANDBOX_MEMORY_MB) * 2 ** 20,
      }
      const report = await probeIsolation(setup)
      if (!report.ok) return this.fail(`the machine cannot isolate test runs: ${report.reason}`)
      try {
        setup.files.snapshot = await ensurePythonSnapshot(setup, cacheDir)
      } catch (err) {
        // Python still runs, only slower: every process loads Pyodide from scratch.
        this.options.onError?.('making the Python snapshot failed; Python sandboxes start without it', err)
      }
      if (this.closed) return this.fail('the sandbox is closed')
      this.setup = setup
      const size = this.options.poolSize ?? SANDBOX_POOL_SIZE
      for (const mode of ['js', 'python'] as const) {
        const pool = new WarmPool(() => this.setup!, mode, size, (err) => this.options.onError?.(`a warm ${mode} sandbox did not start`, err))
        this.pools.set(mode, pool)
      }
      this.state = { state: 'ready', runtime: runtimeVersions() }
      return this.state
    } catch (err) {
      return this.fail(`the sandbox could not start: ${(err as Error).message}`)
    }
  }

  private fail(reason: string): SandboxStatus {
    this.state = { state: 'unavailable', reason }
    return this.state
  }

  private slot(): Promise<void> {
    if (this.running < SANDBOX_CONCURRENCY) {
      this.running++
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.running--
  }
}

/**
 * The outcome of one exchange. The driver's own `done` decides cases and status; a process the
 * server had to stop is a timeout (wall clock) or an error (memory); a process that ended
 * without a word, or wrote what the protocol does not allow, is an error flagged `exit` or
 * `harness`, since an honest harness always answers.
 */
export function toOutcome(ex: Exchange): { outcome: Outcome; flags: string[] } {
  const done = ex.messages.find((m) => m.type === 'done')
  const streamed: RunCase[] = ex.messages.flatMap((m) => (m.type === 'case_done' ? [m.result] : []))
  const flags: string[] = []
  if (done && done.type === 'done') {
    flags.push(...(done.flags ?? []))
    const cases = done.cases
    const status = done.timed_out ? 'timeout' : runStatusOf(cases, done.error !== null)
    // A run with no case always says why (an exit the harness saw, a limit), never a silent 0/0.
    const error = done.error?.trim() || (cases.length === 0 ? noCaseReason({ status, flags }) : '')
    return {
      outcome: {
        status,
        cases,
        duration_ms: ex.durationMs,
        ...(error ? { error } : {}),
        stdout: done.stdout,
        stderr: done.stderr,
      },
      flags: [...new Set(flags)],
    }
  }
  if (ex.end === 'exit') flags.push('exit')
  if (ex.end === 'protocol') flags.push('harness')
  return {
    outcome: {
      status: ex.end === 'timeout' ? 'timeout' : 'error',
      cases: streamed,
      duration_ms: ex.durationMs,
      error: ex.detail?.trim() || (ex.end === 'exit' && streamed.length === 0 ? noCaseReason({ status: 'error', flags }) : `the run ended (${ex.end})`),
      stdout: '',
      stderr: '',
    },
    flags,
  }
}
