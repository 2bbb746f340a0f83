/**
 * Real Redis for tests: the machine's server on 6379 (a test fails, saying how to start it, when it
 * does not answer), a unique key prefix per test with its keys deleted after, and a private
 * `redis-server` child on a free port that a test may kill and start again.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A short-lived client that fails at once instead of retrying; the caller quits it. */
export function plainClient(url = REDIS_URL): Redis {
  return new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 2_000 })
}

/** Throws, with how to start Redis, unless Redis answers PING at REDIS_URL. */
export async function requireRedis(): Promise<void> {
  const client = plainClient()
  client.on('error', () => {})
  try {
    await client.connect()
    if ((await client.ping()) !== 'PONG') throw new Error('PING was not answered with PONG')
  } catch (err) {
    throw new Error(
      `Redis does not answer at ${REDIS_URL} (${(err as Error).message}). These tests need a real Redis: ` +
        `start one with \`redis-server --daemonize yes --port 6379 --save '' --appendonly no\` ` +
        `(CI's .ci/run starts it), or point REDIS_URL at one.`,
    )
  } finally {
    client.disconnect()
  }
}

/** A key prefix no other test or run shares. */
export function uniquePrefix(name: string): string {
  return `cjtest:${name}:${process.pid}:${crypto.randomBytes(6).toString('hex')}:`
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\^-]/g, (c) => `\\${c}`)
}

/** Deletes every key under `prefix`; resolves with how many there were. */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const client = plainClient(url)
  client.on('error', () => {})
  let deleted = 0
  try {
    await client.connect()
    let cursor = '0'
    do {
      const [next, keys] = await client.scanBuffer(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000)
      cursor = String(next)
      if (keys.length > 0) deleted += await client.del(...keys)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
  return deleted
}

/** Runs `fn` with a plain client on `url`, closed after. */
export async function withClient<T>(fn: (client: Redis) => Promise<T>, url = REDIS_URL): Promise<T> {
  const client = plainClient(url)
  client.on('error', () => {})
  try {
    await client.connect()
    return await fn(client)
  } finally {
    client.disconnect()
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A `redis-server` of our own, without persistence: killed, it comes back empty. */
export interface PrivateRedis {
  port: number
  url: string
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>
  /** Kills it if it runs and removes its directory. */
  stop(): Promise<void>
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cj-redis-'))
  let proc: ChildProcess | null = null
  const killOnExit = () => proc?.kill('SIGKILL')
  process.once('exit', killOnExit)

  async function start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    proc = child
    let out = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`redis-server on ${port} did not start:\n${out}`))
      }, 10_000)
      const onData = (d: Buffer) => {
        out += d
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`redis-server on ${port} exited with ${code}:\n${out}`))
      })
    })
  }

  async function kill(): Promise<void> {
    const child = proc
    proc = null
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async stop() {
      await kill()
      process.off('exit', killOnExit)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
