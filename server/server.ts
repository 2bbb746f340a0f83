/** Starts and stops a whole codejury server: lock, records, rooms, HTTP and WebSocket. */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import { WebSocketServer } from 'ws'
import type { Config } from './config'
import { createApp } from './app'
import { createLogger } from './log'
import type { Logger } from './log'
import { acquireLock } from './storage/lock'
import { Db } from './storage/db'
import { createStorageProvider } from './storage/roomStorage'
import type { StorageProvider } from './storage/roomStorage'
import { Rooms } from './sync/rooms'
import type { Connection } from './sync/connection'
import { startKeepAlive } from './ws'
import { LiveHub } from './services/live'
import { warmUpYjs } from './sync/warmUp'
import { ensureLead, readDemoLinks } from './bootstrap'
import type { SignInLink } from './bootstrap'
import { seedDemo } from './seed/seedDemo'
import { CLOSE } from '../shared/errors'

/** Headroom above MAX_MESSAGE_BYTES: bigger frames are cut by `ws` (1009) before we see them. */
const WS_MAX_PAYLOAD_FACTOR = 8
/** How long shutdown waits for clients to go before it terminates their sockets. */
const SHUTDOWN_GRACE_MS = 1_000

export interface RunningServer {
  url: string
  port: number
  leadToken: string | null
  links: SignInLink[]
  deps: { db: Db; rooms: Rooms; connections: Set<Connection> }
  /** Stops accepting, closes sockets with 1012, stores every room, releases DATA_DIR. */
  stop(): Promise<void>
}

/** What tests may put in place of the configured parts (a room storage that fails on cue). */
export interface ServerParts {
  storage?: StorageProvider
}

export async function startServer(
  config: Config,
  log: Logger = createLogger(config.quiet),
  parts: ServerParts = {},
): Promise<RunningServer> {
  const lock = acquireLock(config.dataDir)
  try {
    const db = await Db.open(config.dataDir)
    const storage =
      parts.storage ??
      createStorageProvider(
        config.storage,
        config.dataDir,
        (file, dropped) => log.warn('dropped a torn tail from an update log', { file, droppedBytes: dropped }),
        (file, err) => log.error('a client-id owner record did not parse; moved aside, the room starts with none', err, { file }),
      )
    const live = new LiveHub(db)
    const rooms = new Rooms({
      storageFor: (name) => storage.forRoom(name),
      ownersFor: (name) => storage.ownersFor(name),
      idleMs: config.roomIdleMs,
      log,
      onPresence: (room) => live.onPresence(room),
      onChange: (room) => live.onChange(room),
      beforeUnload: (room) => live.saveProgress(room),
      onStored: (room) => {
        live.saveProgress(room).catch((err) => log.error('saving progress failed', err, { room: room.name }))
      },
    })
    live.attach(rooms)
    const connections = new Set<Connection>()
    const deps = { config, db, rooms, storage, log, connections, live }
    const leadToken = await ensureLead(db, config.dataDir)
    if (config.seedDemo && db.tasks.length === 0) await seedDemo(deps)
    if (config.warmUp) log.info('warmed up Yjs', { ms: Math.round(warmUpYjs()) })
    const app = createApp(deps)
    const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes * WS_MAX_PAYLOAD_FACTOR })
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, websocket: { server: wss } }, () =>
        resolve(s),
      )
    })
    const stopKeepAlive = startKeepAlive(connections, config.pingIntervalMs)
    const port = (server.address() as AddressInfo).port
    const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`
    let stopping: Promise<void> | null = null
    const stop = () =>
      (stopping ??= (async () => {
        stopKeepAlive()
        live.close()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        await rooms.closeAll()
        for (const conn of connections) conn.close(CLOSE.restart)
        const deadline = Date.now() + SHUTDOWN_GRACE_MS
        while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
        for (const ws of wss.clients) ws.terminate()
        if ('closeAllConnections' in server) server.closeAllConnections()
        await closed
        lock.release()
      })())
    return { url, port, leadToken, links: readDemoLinks(config.dataDir), deps: { db, rooms, connections }, stop }
  } catch (err) {
    lock.release()
    throw err
  }
}
