/**
 * The start-up probe: can this machine give a sandboxed process the isolation docs/sandbox.md#the-servers-sandbox describes?
 * It starts one sandbox and, with every right JavaScript has inside it, tries to reach what must
 * be out of reach. Any success (or no bubblewrap at all) means the server runs no code.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { SandboxProcess, type SandboxSetup } from './sandboxProcess'
import { SANDBOX_UID } from './launch'

/** How long a probe process may take, start-up included. */
export const PROBE_TIMEOUT_MS = 15_000

/** What a probe found: each check is true when the sandbox was refused what it tried. */
export interface ProbeReport {
  ok: boolean
  /** The first check that failed, in words; absent when all held. */
  reason?: string
  checks: Record<string, boolean>
}

/** Runs `source` (an async function body) inside a fresh sandbox and returns what it returned. */
export async function runInSandbox(setup: SandboxSetup, source: string, wallMs = PROBE_TIMEOUT_MS): Promise<unknown> {
  const proc = new SandboxProcess(setup, 'probe')
  try {
    await proc.ready
    const ex = await proc.exchange({ type: 'probe', source }, wallMs)
    const last = ex.messages.find((m) => m.type === 'probe')
    if (ex.end !== 'done' || !last || last.type !== 'probe') throw new Error(ex.detail ?? `the probe ended with ${ex.end}`)
    return last.value
  } finally {
    proc.kill()
  }
}

/** Each attempt the probe makes inside; `true` means it was refused. */
function probeSource(port: number, hostPid: number): string {
  return `
  const fs = await import('node:fs')
  const attempt = async (fn) => { try { await fn(); return false } catch { return true } }
  const net = await import('node:net')
  const connect = (p) => new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: p })
    s.on('connect', () => { s.destroy(); resolve() })
    s.on('error', reject)
    setTimeout(() => { s.destroy(); reject(new Error('timeout')) }, 2000)
  })
  const cp = await import('node:child_process')
  return {
    uid: process.getuid() === ${SANDBOX_UID},
    env: Object.keys(process.env).every((k) => k === 'PWD'),
    passwd: await attempt(() => fs.readFileSync('/etc/passwd')),
    tmp: await attempt(() => fs.writeFileSync('/tmp/codejury-probe', 'x')),
    spawn: await attempt(() => { const r = cp.spawnSync('/usr/bin/node', ['-e', '1']); if (r.error) throw r.error }),
    tcp: await attempt(() => connect(${port})),
    signal: await attempt(() => process.kill(${hostPid}, 0)),
  }`
}

const CHECK_TEXT: Record<string, string> = {
  uid: 'the sandboxed process does not run as an unprivileged user',
  env: "the sandboxed process sees the server's environment",
  passwd: 'the sandboxed process can read /etc/passwd',
  tmp: 'the sandboxed process can write /tmp',
  spawn: 'the sandboxed process can start other processes',
  tcp: "the sandboxed process can open a TCP connection to the server's machine",
  signal: 'the sandboxed process can signal the server',
}

/** Opens a listener the probe must not reach, probes, and says whether every check held. */
export async function probeIsolation(setup: SandboxSetup): Promise<ProbeReport> {
  const listener = net.createServer((s) => s.destroy())
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  const port = (listener.address() as net.AddressInfo).port
  try {
    const value = (await runInSandbox(setup, probeSource(port, process.pid))) as Record<string, unknown>
    const checks = Object.create(null) as Record<string, boolean>
    for (const name of Object.keys(CHECK_TEXT)) checks[name] = value?.[name] === true
    const failed = Object.keys(CHECK_TEXT).find((name) => !checks[name])
    return failed ? { ok: false, reason: CHECK_TEXT[failed], checks } : { ok: true, checks }
  } finally {
    listener.close()
  }
}

/** The first executable `name` on PATH; null when there is none. */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (!dir) continue
    const file = path.join(dir, name)
    try {
      fs.accessSync(file, fs.constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return null
}
