/**
 * The servers under test behind one interface, so that a new one (codejury) plugs into every
 * workload.
 */
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { roomName } from '../../../shared/roomNames'
import type { ClientSpec } from '../loadgen/benchClient'
import { Proto } from '../loadgen/wire'
import { freePort, REPO_ROOT, spawnServer, type ServerProcess } from './serverProcess'

export const ServerKind = {
  relay: 'relay',
  stock: 'stock',
  hocuspocus: 'hocuspocus',
  codejury: 'codejury',
  /** Extra rows, never in the headline: the stock servers with Node's default flags. */
  stockAsDeployed: 'stock-as-deployed',
  hocuspocusAsDeployed: 'hocuspocus-as-deployed',
} as const
export type ServerKind = (typeof ServerKind)[keyof typeof ServerKind]

/** `postgres`: codejury's STORAGE=postgres, only in the several-instance bench (scaleBench.ts). */
export type Storage = 'memory' | 'disk' | 'postgres'

export interface StartOptions {
  storage: Storage
  dataDir: string
  cpu: string | null
  /** More environment for the process (several instances: the shared engines, a Redis prefix). */
  env?: Record<string, string>
  /**
   * codejury: the lead token to use when this instance did not make one (a later instance on a
   * shared database); by default it is read from the data directory.
   */
  token?: string
}

/** A started server: where clients go and how rooms come to exist. */
export interface ServerUnderTest {
  readonly kind: ServerKind
  readonly storage: Storage
  readonly dataDir: string
  readonly proc: ServerProcess
  /** Makes `count` rooms exist (codejury imports tasks) and returns their names. */
  createRooms(prefix: string, count: number): Promise<string[]>
  clientSpec(id: number, room: string): ClientSpec
  stop(): Promise<number | null>
}

export interface ServerAdapter {
  readonly kind: ServerKind
  readonly label: string
  /** False for the relay, which keeps no document (no sync content, no storage). */
  readonly keepsDocuments: boolean
  /**
   * Node flags the server process runs with. Every headline server gets the same ones
   * (`serverNodeFlags()`), so no server wins on V8 settings; only the as-deployed extras differ.
   */
  readonly nodeFlags: readonly string[]
  /** True for the extra Node-defaults rows, which the targets never compare against. */
  readonly asDeployed: boolean
  /** The storage each server runs with out of the box. */
  readonly defaultStorage: Storage
  /**
   * How long a room with no connections stays in memory (0: unloaded at once, or never: stock in
   * memory).
   */
  readonly idleUnloadS: number
  /** Why it cannot run here, or null. */
  unavailable(): string | null
  start(opts: StartOptions): Promise<ServerUnderTest>
}

const entry = (file: string) => fileURLToPath(new URL(file, import.meta.url))

/** Rooms named like codejury's, so every server sees the same names. */
const benchRooms = (prefix: string, count: number) =>
  Array.from({ length: count }, (_v, i) => roomName.workspace(`${prefix}-${i}`))

function wrapperAdapter(
  kind: ServerKind,
  label: string,
  file: string,
  proto: Proto,
  keepsDocuments: boolean,
  nodeFlags: readonly string[],
  asDeployed = false,
): ServerAdapter {
  return {
    kind,
    label,
    keepsDocuments,
    nodeFlags,
    asDeployed,
    defaultStorage: 'memory',
    idleUnloadS: 0,
    unavailable: () => null,
    async start(opts) {
      const proc = await spawnServer({
        args: [entry(file)],
        nodeFlags: [...nodeFlags],
        env: { PORT: '0', DATA_DIR: opts.dataDir, STORAGE: opts.storage, ...opts.env },
        cpu: opts.cpu,
        readyTimeoutMs: 20_000,
      })
      const base = `ws://127.0.0.1:${proc.port}`
      return {
        kind,
        storage: opts.storage,
        dataDir: opts.dataDir,
        proc,
        createRooms: async (prefix, count) => benchRooms(prefix, count),
        clientSpec: (id, room) => ({
          id,
          room,
          proto,
          docName: room,
          token: 'bench',
          url: proto === Proto.hocuspocus ? base : `${base}/${encodeURIComponent(room)}`,
        }),
        stop: () => proc.stop(),
      }
    },
  }
}

const IMPORT_BATCH_TASKS = 200

/**
 * Imports `count` small tasks through codejury's `POST /api/tasks/import` and returns their rooms'
 * names: how rooms come to exist on codejury.
 */
export async function importBenchTasks(
  http: string,
  token: string,
  prefix: string,
  count: number,
): Promise<string[]> {
  const ids = Array.from({ length: count }, (_v, i) => `${prefix}-${i}`)
  for (let i = 0; i < ids.length; i += IMPORT_BATCH_TASKS) {
    const lines = ids.slice(i, i + IMPORT_BATCH_TASKS).map((id) =>
      JSON.stringify({
        id,
        prompt: `Benchmark task ${id}: return the sum of a list.`,
        language: 'python',
        candidates: [
          { id: 'a', code: 'def total(xs):\n    return sum(xs)\n', model: 'bench-a' },
          {
            id: 'b',
            code: 'def total(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n',
          },
        ],
      }),
    )
    const res = await fetch(`${http}/api/tasks/import?batch=bench`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
      body: lines.join('\n') + '\n',
    })
    if (!res.ok) throw new Error(`import failed: ${res.status} ${await res.text()}`)
  }
  return ids.map((id) => roomName.workspace(id))
}

/**
 * The Node flags `npm start` runs codejury with (package.json). Every headline server gets them, so
 * the comparison is like for like (codejury alone with `--max-semi-space-size=64` would flatter it).
 */
export function serverNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
  const m = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/server\/main\.js/.exec(pkg.scripts.start)
  if (!m) throw new Error('package.json "start" no longer runs `node … dist/server/main.js`')
  return m[1].trim().split(/\s+/).filter(Boolean)
}

/** codejury per the server contract in briefs/common.md: env config, lead token, JSONL import. */
const codejury: ServerAdapter = {
  kind: ServerKind.codejury,
  label: 'codejury',
  keepsDocuments: true,
  nodeFlags: serverNodeFlags(),
  asDeployed: false,
  defaultStorage: 'disk',
  // server/config.ts ROOM_IDLE_MS, unless the environment overrides it
  idleUnloadS: Number(process.env.ROOM_IDLE_MS ?? 30_000) / 1000,
  unavailable: () =>
    existsSync(path.join(REPO_ROOT, 'server/main.ts')) ? null : 'server/main.ts does not exist yet',
  async start(opts) {
    const port = await freePort()
    const proc = await spawnServer({
      args: ['server/main.ts'],
      nodeFlags: [...codejury.nodeFlags],
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: opts.dataDir,
        SEED_DEMO: '0',
        STORAGE: opts.storage,
        ...opts.env,
      },
      cpu: opts.cpu,
      readyTimeoutMs: 60_000,
    })
    const token = opts.token ?? readFileSync(path.join(opts.dataDir, 'lead-token'), 'utf8').trim()
    const http = `http://127.0.0.1:${proc.port}`
    return {
      kind: ServerKind.codejury,
      storage: opts.storage,
      dataDir: opts.dataDir,
      proc,
      createRooms: (prefix, count) => importBenchTasks(http, token, prefix, count),
      clientSpec: (id, room) => ({
        id,
        room,
        proto: Proto.y,
        docName: room,
        token,
        url: `ws://127.0.0.1:${proc.port}/ws/${encodeURIComponent(room)}?token=${encodeURIComponent(token)}`,
      }),
      stop: () => proc.stop(),
    }
  },
}

const flags = serverNodeFlags()

/**
 * Every server the harness knows, in the order of the report. The last two run only when named
 * in `--servers`: the stock servers as their own READMEs start them, with Node's defaults.
 */
export const ADAPTERS: ServerAdapter[] = [
  wrapperAdapter(ServerKind.relay, 'W0 raw ws relay', './relay.ts', Proto.y, false, flags),
  wrapperAdapter(ServerKind.stock, 'y-websocket 1.5.4', './stock.ts', Proto.y, true, flags),
  wrapperAdapter(
    ServerKind.hocuspocus,
    'Hocuspocus 3.4.4',
    './hocuspocus.ts',
    Proto.hocuspocus,
    true,
    flags,
  ),
  codejury,
  wrapperAdapter(
    ServerKind.stockAsDeployed,
    'y-websocket 1.5.4, Node defaults (as deployed)',
    './stock.ts',
    Proto.y,
    true,
    [],
    true,
  ),
  wrapperAdapter(
    ServerKind.hocuspocusAsDeployed,
    'Hocuspocus 3.4.4, Node defaults (as deployed)',
    './hocuspocus.ts',
    Proto.hocuspocus,
    true,
    [],
    true,
  ),
]

/** The servers a run uses when `--servers` is not given: the like-for-like headline. */
export const HEADLINE_SERVERS = ADAPTERS.filter((a) => !a.asDeployed).map((a) => a.kind)
