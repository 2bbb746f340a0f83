/** The real `server/main.ts` in a child process, for kill -9 and second-process tests. */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export interface ChildServer {
  proc: ChildProcess
  port: number
  url: string
  wsUrl: string
  leadToken: string
  output: () => string
  exited: Promise<number | null>
}

const ROOT = path.resolve(import.meta.dirname, '../..')

/**
 * Starts the server; resolves once it prints its address, rejects if it exits first. Its own test
 * runs are off (SANDBOX=off) unless `env` turns them on: a test about them says so.
 */
export function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, SEED_DEMO: '0', QUIET: '1', WARM_UP: '0', SANDBOX: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`server did not start:\n${out}`))
    }, 20_000)
    proc.stdout!.on('data', () => {
      const m = /listening on http:\/\/[\d.]+:(\d+)/.exec(out)
      if (!m) return
      clearTimeout(timer)
      const port = Number(m[1])
      resolve({
        proc,
        port,
        url: `http://127.0.0.1:${port}`,
        wsUrl: `ws://127.0.0.1:${port}/ws`,
        // An instance that joined a shared database someone else made has no lead token of its own.
        leadToken: fs.existsSync(path.join(dataDir, 'lead-token')) ? fs.readFileSync(path.join(dataDir, 'lead-token'), 'utf8').trim() : '',
        output: () => out,
        exited,
      })
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${out}`))
    })
  })
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export async function spawnExpectingExit(dataDir: string): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, SEED_DEMO: '0', QUIET: '1', WARM_UP: '0', SANDBOX: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  proc.stdout!.on('data', (d) => (output += d))
  proc.stderr!.on('data', (d) => (output += d))
  const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000)
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve))
  clearTimeout(timer)
  return { code, output }
}
