/**
 * Starts a server under test as its own process (pinned to a CPU when asked), with the probe
 * preloaded, and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import * as net from 'node:net'
import { fileURLToPath } from 'node:url'
import type { ProbeReply, ProbeRequest } from './probe'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url))

/** A running server process: its pid for /proc, its port, and the probe channel. */
export interface ServerProcess {
  pid: number
  port: number
  output(): string
  probe(kind: ProbeRequest['probe']): Promise<ProbeReply | null>
  stop(): Promise<number | null>
}

export interface SpawnOptions {
  /** Node arguments after the preloads, e.g. the entry file. */
  args: string[]
  /** Node flags before the preloads (V8 settings a server is meant to run with). */
  nodeFlags?: string[]
  env: Record<string, string>
  /** CPU list for taskset, or null to leave scheduling to the kernel. */
  cpu: string | null
  readyTimeoutMs: number
}

/** A port that was free a moment ago (servers that take PORT from us need one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0))
    })
    srv.on('error', reject)
  })
}

const READY_RE = /listening (?:on )?(?:https?:\/\/[^\s]+:)?(\d+)/

export function spawnServer(opts: SpawnOptions): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_ARGS adds Node flags to every server under test, e.g. `--cpu-prof
  // --cpu-prof-dir=/tmp/prof` to see where a workload's time goes
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
  const nodeArgs = [
    '--expose-gc',
    ...(opts.nodeFlags ?? []),
    ...extra,
    '--import',
    'tsx',
    '--import',
    PROBE,
    ...opts.args,
  ]
  const [cmd, args] = opts.cpu
    ? ['taskset', ['-c', opts.cpu, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs]
  const child: ChildProcess = spawn(cmd, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  let out = ''
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-8000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let probeId = 0
  const probes = new Map<number, (r: ProbeReply | null) => void>()
  child.on('message', (msg: ProbeReply) => {
    const done = probes.get(msg?.probeId)
    if (done) {
      probes.delete(msg.probeId)
      done(msg)
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))

  const proc: ServerProcess = {
    pid: child.pid ?? 0,
    port: 0,
    output: () => out,
    probe(kind) {
      if (!child.connected) return Promise.resolve(null)
      const id = ++probeId
      return new Promise((resolve) => {
        probes.set(id, resolve)
        child.send({ probeId: id, probe: kind } satisfies ProbeRequest)
        setTimeout(() => {
          if (probes.delete(id)) resolve(null)
        }, 5000).unref()
      })
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not report ready within ${opts.readyTimeoutMs} ms:\n${out}`))
    }, opts.readyTimeoutMs)
    const onData = () => {
      const m = READY_RE.exec(out)
      if (!m) return
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      proc.port = Number(m[1])
      resolve(proc)
    }
    child.stdout?.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before it was ready:\n${out}`))
    })
  })
}
