/** A real codejury server on port 0 with a fresh temporary DATA_DIR, for integration tests. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../server/config'
import type { Config } from '../../server/config'
import { startServer as start } from '../../server/server'
import type { RunningServer } from '../../server/server'
import { createLogger } from '../../server/log'
import type { Role } from '../../shared/types'
import type { StorageProvider } from '../../server/storage/roomStorage'
import { enginesConfig, enginesStopped, releaseEngines, testOnPostgres } from './testEngines'

export interface TestServer {
  url: string
  wsUrl: string
  port: number
  dataDir: string
  leadToken: string
  running: RunningServer
  stop(): Promise<void>
}

export interface TestServerOptions {
  seedDemo?: boolean
  /** Reuse a directory (restart tests); it is then not removed on stop. */
  dataDir?: string
  config?: Partial<Config>
  /** A room storage in place of the configured one (failure injection). */
  storage?: StorageProvider
}

/** Makes a temporary directory that the caller removes. */
export function tempDir(prefix = 'codejury-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/**
 * Under CODEJURY_TEST_STORAGE=postgres a server is on the shared engines of its DATA_DIR
 * (testEngines.ts), unless the test chose a storage itself (`config.storage` or `storage`).
 */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const owned = options.dataDir === undefined
  const dataDir = options.dataDir ?? tempDir()
  const onEngines = testOnPostgres && options.config?.storage === undefined && options.storage === undefined
  let engines: Partial<Config> = {}
  try {
    if (onEngines) engines = await enginesConfig(dataDir)
  } catch (err) {
    if (owned) fs.rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  const config: Config = {
    ...loadConfig({ QUIET: process.env.DEBUG_SERVER ? '0' : '1' }),
    port: 0,
    dataDir,
    seedDemo: options.seedDemo ?? false,
    warmUp: false,
    // Test servers run no code unless a test asks: a sandbox pool per server would load the machine.
    sandbox: 'off',
    ...engines,
    ...options.config,
  }
  let started: RunningServer
  try {
    started = await start(config, createLogger(config.quiet), { storage: options.storage })
  } catch (err) {
    if (onEngines) await enginesStopped(dataDir)
    if (onEngines && owned) await releaseEngines(dataDir)
    if (owned) fs.rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  // Restart tests stop `running` directly and start again on the same DATA_DIR: either way of
  // stopping counts once, and only the helper's own stop of its own directory releases the engines.
  let counted: Promise<void> | null = null
  const stopRunning = () => (counted ??= started.stop().finally(() => (onEngines ? enginesStopped(dataDir) : undefined)))
  const running: RunningServer = { ...started, stop: stopRunning }
  const url = `http://127.0.0.1:${running.port}`
  return {
    url,
    wsUrl: `ws://127.0.0.1:${running.port}/ws`,
    port: running.port,
    dataDir,
    leadToken: running.leadToken!,
    running,
    async stop() {
      await running.stop()
      if (onEngines && owned) await releaseEngines(dataDir)
      if (owned) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Calls the API with a Bearer token; returns status and parsed JSON. */
export async function api<T = any>(
  server: { url: string },
  token: string | null,
  method: string,
  route: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = contentType
  const res = await fetch(server.url + route, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as T }
}

export async function createUser(server: TestServer, name: string, role: Role) {
  const res = await api<{ id: string; name: string; role: Role; token: string }>(server, server.leadToken, 'POST', '/api/users', { name, role })
  if (res.status !== 201) throw new Error(`creating ${name} failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/**
 * Imports `jsonl` into `batch`. A batch this creates is open-label unless `blind` (an import's own
 * default is blind): most suites key rooms by the import ids they wrote.
 */
export async function importTasks(server: TestServer, jsonl: string, batch = 'test', blind = false) {
  const url = `/api/tasks/import?batch=${encodeURIComponent(batch)}&blind=${blind ? 1 : 0}`
  const res = await api(server, server.leadToken, 'POST', url, jsonl, 'application/x-ndjson')
  if (res.status !== 200) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { batch: string; batchCreated: boolean; blind: boolean; imported: number; ids: string[] }
}

export async function assign(server: TestServer, taskId: string, userIds: string[]) {
  const res = await api(server, server.leadToken, 'POST', `/api/tasks/${taskId}/assign`, { userIds })
  if (res.status !== 200) throw new Error(`assign failed: ${res.status} ${JSON.stringify(res.body)}`)
}

/** A small valid task line. */
export function taskLine(id: string, language = 'python'): string {
  return JSON.stringify({
    id,
    prompt: `# Task ${id}\nWrite \`add(a, b)\`.`,
    language,
    entry_point: 'add',
    candidates: [
      { id: 'a', code: 'def add(a, b):\n    return a + b\n', model: 'model-a' },
      { id: 'b', code: 'def add(a, b):\n    return a - b\n', model: 'model-b' },
      { id: 'c', code: 'def add(a, b):\n    return sum([a, b])\n', model: 'model-c' },
    ],
    tests: 'def test_add():\n    assert add(1, 2) == 3\n',
  })
}
