/**
 * One sandboxed process: bubblewrap started, its JSON lines read and validated, a memory
 * watchdog over its whole process tree, SIGKILL at a wall-clock limit. Used for one subject.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import * as v from 'valibot'
import { bwrapArgs, type SandboxFiles } from './launch'
import { FromDriverSchema, MAX_DRIVER_LINE_CHARS, type DriverMode, type FromDriver } from './protocol'

/** How often the watchdog reads the process tree's resident memory. */
export const WATCHDOG_INTERVAL_MS = 25
/** How much of a sandbox's stderr is kept to explain a failed start. */
const MAX_STDERR_CHARS = 2_000

/** Everything needed to start a sandboxed process, found once by the start-up probe. */
export interface SandboxSetup {
  bwrap: string
  /** util-linux's setpriv, to give bubblewrap a parent-death signal (a killed server leaves no sandbox); null without it. */
  setpriv: string | null
  nodeBin: string
  libraries: [string, string][]
  files: SandboxFiles
  /** Resident memory (the whole process tree) at which a sandbox is killed. */
  memoryCapBytes: number
}

/** How an exchange ended: the driver's last word, or why the server stopped it. */
export type ExchangeEnd = 'done' | 'timeout' | 'memory' | 'exit' | 'protocol'

/** Everything one request got back. */
export interface Exchange {
  messages: FromDriver[]
  end: ExchangeEnd
  /** Why it ended early, in words for the run's error. */
  detail?: string
  durationMs: number
  /**
   * CPU time of the process tree from its start (runtime load included) to the driver's last
   * word, read from /proc as that word arrives: a measurement (0 when the tree was gone), never evidence.
   */
  cpuMs?: number
}

/** `pid` and all its descendants, from /proc. */
export function treePids(pid: number): number[] {
  const pids: number[] = []
  const stack = [pid]
  while (stack.length) {
    const p = stack.pop()!
    pids.push(p)
    try {
      for (const child of fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').split(' ')) {
        if (child.trim()) stack.push(Number(child))
      }
    } catch {
      // The process ended between two reads.
    }
  }
  return pids
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every Linux the server runs on). */
const CLOCK_TICKS = 100

/**
 * CPU time (user and system, with reaped children's) of `pid` and all its descendants, from
 * /proc, in milliseconds; 0 once they are gone.
 */
export function treeCpuMs(pid: number): number {
  let ticks = 0
  for (const p of treePids(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8')
      // Fields after the command (which may hold spaces): state is 3rd, utime..cstime are 14th..17th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / CLOCK_TICKS
}

/** The resident memory of `pid` and all its descendants, from /proc; 0 once they are gone. */
export function treeRssBytes(pid: number): number {
  let total = 0
  for (const p of treePids(pid)) {
    try {
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))
      if (m) total += Number(m[1]) * 1024
    } catch {
      // gone
    }
  }
  return total
}

/**
 * A running sandbox. `ready` resolves with the runtime versions once the driver loaded its
 * runtime; `exchange` sends the one request and collects lines until the driver's last word, the
 * wall-clock limit, the memory cap or its exit. The process is killed after every exchange.
 */
export class SandboxProcess {
  readonly ready: Promise<Record<string, string>>
  readonly exited: Promise<number | null>
  private readonly child: ChildProcessWithoutNullStreams
  private readonly lines: FromDriver[] = []
  private partial = ''
  private stderr = ''
  private stopReason: { end: ExchangeEnd; detail: string } | null = null
  private readonly watchdog: NodeJS.Timeout
  private readonly listeners = new Set<() => void>()
  private dead = false
  private lastWordCpuMs: number | undefined

  constructor(
    private readonly setup: SandboxSetup,
    mode: DriverMode,
    options: { nice?: number } = {},
  ) {
    const args = bwrapArgs({ nodeBin: setup.nodeBin, libraries: setup.libraries, files: setup.files, nodeArgs: [mode] })
    const nice = options.nice ?? 0
    // nice and setpriv exec in place, so bubblewrap keeps this server as its parent.
    const command = [...(nice > 0 ? ['nice', '-n', String(nice)] : []), ...(setup.setpriv ? [setup.setpriv, '--pdeathsig', 'KILL'] : []), setup.bwrap, ...args]
    this.child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: {} })
    this.child.stdout.setEncoding('utf8')
    this.child.stdout.on('data', (chunk: string) => this.read(chunk))
    this.child.stderr.setEncoding('utf8')
    this.child.stderr.on('data', (chunk: string) => {
      if (this.stderr.length < MAX_STDERR_CHARS) this.stderr += chunk.slice(0, MAX_STDERR_CHARS - this.stderr.length)
    })
    // A request written to a process that just died is an EPIPE, not a crash.
    this.child.stdin.on('error', () => {})
    this.exited = new Promise((resolve) => {
      this.child.on('error', () => resolve(null))
      this.child.on('close', (code) => resolve(code))
    }).then((code) => {
      this.dead = true
      clearInterval(this.watchdog)
      for (const l of [...this.listeners]) l()
      return code as number | null
    })
    this.watchdog = setInterval(() => {
      if (this.child.pid && treeRssBytes(this.child.pid) > setup.memoryCapBytes) {
        this.stop('memory', `stopped at the memory cap (${Math.round(setup.memoryCapBytes / 2 ** 20)} MB)`)
      }
    }, WATCHDOG_INTERVAL_MS)
    this.watchdog.unref()
    this.ready = this.until((m) => m.type === 'ready' || m.type === 'failed').then(({ message }) => {
      if (message?.type === 'ready') return message.versions
      const why = message?.type === 'failed' ? message.message : this.stopReason?.detail ?? `the sandbox exited before it was ready${this.stderr ? `: ${this.stderr.trim().slice(0, 300)}` : ''}`
      this.kill()
      throw new Error(why)
    })
    // A warm process nobody takes must not hold a rejected promise nobody reads.
    this.ready.catch(() => {})
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  /**
   * Raises a warm process (started at low priority) to normal priority for the run someone waits
   * for: every thread of its tree. Lowering niceness needs CAP_SYS_NICE; without it the run keeps
   * the pool's priority.
   */
  prioritize(): void {
    if (!this.child.pid) return
    for (const pid of treePids(this.child.pid)) {
      let tids: string[] = []
      try {
        tids = fs.readdirSync(`/proc/${pid}/task`)
      } catch {
        continue
      }
      for (const tid of tids) {
        try {
          os.setPriority(Number(tid), 0)
        } catch {
          return // not allowed here: the run keeps the pool's priority
        }
      }
    }
  }

  /** Resident memory of the sandbox's process tree now. */
  rssBytes(): number {
    return this.child.pid ? treeRssBytes(this.child.pid) : 0
  }

  /** CPU time the sandbox's process tree used so far, in milliseconds. */
  cpuMs(): number {
    return this.child.pid && !this.dead ? treeCpuMs(this.child.pid) : 0
  }

  /** Sends `request` and waits for the driver's last word, the limit, the cap or an exit; then kills the process. */
  async exchange(request: object, wallMs: number): Promise<Exchange> {
    const started = performance.now()
    const from = this.lines.length
    const timer = setTimeout(() => this.stop('timeout', `stopped at the ${wallMs} ms time limit`), wallMs)
    try {
      this.child.stdin.write(JSON.stringify(request) + '\n')
      const { message } = await this.until((m) => m.type === 'done' || m.type === 'probe' || m.type === 'failed', from)
      const messages = this.lines.slice(from)
      const durationMs = performance.now() - started
      const cpuMs = this.lastWordCpuMs ?? this.cpuMs()
      if (message) return { messages, end: message.type === 'failed' ? 'exit' : 'done', durationMs, cpuMs, ...(message.type === 'failed' ? { detail: message.message } : {}) }
      const stop = this.stopReason ?? { end: 'exit' as const, detail: `the sandbox exited before it answered${this.stderr ? `: ${this.stderr.trim().slice(0, 300)}` : ''}` }
      return { messages, end: stop.end, detail: stop.detail, durationMs, cpuMs }
    } finally {
      clearTimeout(timer)
      this.kill()
    }
  }

  /** SIGKILL to bubblewrap; its children die with it (--die-with-parent, and the pid namespace ends). */
  kill(): void {
    clearInterval(this.watchdog)
    if (!this.dead) this.child.kill('SIGKILL')
  }

  private stop(end: ExchangeEnd, detail: string): void {
    this.stopReason ??= { end, detail }
    this.kill()
  }

  private read(chunk: string): void {
    this.partial += chunk
    let nl: number
    while ((nl = this.partial.indexOf('\n')) >= 0) {
      const line = this.partial.slice(0, nl)
      this.partial = this.partial.slice(nl + 1)
      let parsed: v.SafeParseResult<typeof FromDriverSchema>
      try {
        parsed = v.safeParse(FromDriverSchema, JSON.parse(line))
      } catch {
        parsed = { success: false } as v.SafeParseResult<typeof FromDriverSchema>
      }
      if (!parsed.success) return this.stop('protocol', 'the sandbox wrote something that is not the runner protocol')
      this.lines.push(parsed.output)
      // Read now: the driver exits right after its last word, and its CPU time leaves /proc with it.
      if (parsed.output.type === 'done' || parsed.output.type === 'failed' || parsed.output.type === 'probe') this.lastWordCpuMs ??= this.cpuMs()
    }
    if (this.partial.length > MAX_DRIVER_LINE_CHARS) this.stop('protocol', 'the sandbox wrote a line longer than the protocol allows')
    for (const l of [...this.listeners]) l()
  }

  /** Resolves with the first message from index `from` on that `match`es, or with none once the process is gone. */
  private until(match: (m: FromDriver) => boolean, from = 0): Promise<{ message: FromDriver | null }> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.lines.slice(from).find(match)
        if (found || this.dead) {
          this.listeners.delete(check)
          resolve({ message: found ?? null })
          return true
        }
        return false
      }
      if (!check()) this.listeners.add(check)
    })
  }
}
