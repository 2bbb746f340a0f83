/** Starts and stops a whole codejury server: lock, records, rooms, HTTP and WebSocket. */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import { WebSocketServer } from 'ws'
import type { Config } from './config'
import type { AppDeps } from './env'
import { createApp } from './app'
import { createLogger } from './log'
import type { Logger } from './log'
import { acquireLock } from './storage/lock'
import { tightenDataDir } from './storage/dataDirModes'
import { recoverImports } from './services/importStaging'
import { assignRoomIds } from './services/blindIds'
import { ensureBatch, metaCatchUp, seedRoomState } from './services/tasks'
import { seededStorage } from './storage/seededStorage'
import type { StorageProvider } from './storage/roomStorage'
import { Rooms } from './sync/rooms'
import type { Connection } from './sync/connection'
import { startKeepAlive } from './ws'
import { LiveHub } from './services/live'
import { LiveAccess } from './services/access'
import { Backlog } from './sync/backlog'
import { Workflow } from './services/workflow'
import { ActivityTracker } from './services/activity'
import { WorkflowIndex } from './services/workflowIndex'
import { RoomReadings } from './services/roomReadings'
import { recoverFinalizes } from './services/finalizeRecovery'
import { RoomRules } from './services/roomRules'
import { warmUpYjs } from './sync/warmUp'
import { checkLead, checkLinks, ensureLead, readDemoLinks } from './bootstrap'
import { Sandbox } from './sandbox/sandbox'
import { EvidenceService } from './services/evidence'
import type { CheckedLead, CheckedLink } from './bootstrap'
import { seedDemo } from './seed/seedDemo'
import { openStores } from './stores'
import { followRecords } from './services/followRecords'
import { readLiveShare } from './services/liveElsewhere'
import { CLOSE } from '../shared/errors'

/** Headroom above MAX_MESSAGE_BYTES: bigger frames are cut by `ws` (1009) before we see them. */
const WS_MAX_PAYLOAD_FACTOR = 8
/** How long shutdown waits for clients to go before it terminates their sockets. */
const SHUTDOWN_GRACE_MS = 1_000

export interface RunningServer {
  url: string
  port: number
  leadToken: string | null
  /** The lead's saved token as it stands now: what start-up prints for the lead. */
  lead: CheckedLead
  /** The saved demo links, each checked against its user's current token. */
  links: CheckedLink[]
  /** The app's dependencies, for tests that look inside. */
  deps: AppDeps
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
    const tightened = tightenDataDir(config.dataDir)
    if (tightened) log.info('made files under DATA_DIR owner-only', { count: tightened })
    const stores = await openStores(config, log, parts.storage)
    const { db, sessions, audit, records, recordKeys, gold, storage, shared } = stores
    // Before anything reads the tasks: finish or discard imports a crash interrupted.
    await recoverImports({ db, log, ensureBatch })
    // Blind tasks imported before opaque ids existed get theirs now (or keep import ids if opened).
    // A shared database was made by this version: every blind task in it has its ids already.
    if (!shared) await assignRoomIds({ db, log })
    const live = new LiveHub(db)
    const activity = new ActivityTracker({
      dataDir: config.dataDir,
      ...(stores.activityStore ? { store: stores.activityStore } : {}),
      revisionOf: (id) => db.task(id)?.revision,
      onError: (err) => log.error('saving time on task failed; retrying', err),
    })
    const roomRules = new RoomRules({ db, audit, onAuditFailed: (err) => log.error('storing a deleted thread\'s audit line failed', err) })
    const roomReadings = new RoomReadings()
    const rooms = new Rooms({
      // A task's workspace and meta get their seeded first state on their first load; a stored
      // meta room learns on load the assignees that changed while it was not loaded.
      storageFor: (name) =>
        seededStorage(
          storage.forRoom(name),
          () => seedRoomState(db, name),
          (updates) => metaCatchUp(db, name, updates),
        ),
      ownersFor: (name) => storage.ownersFor(name),
      rulesFor: (name) => roomRules.forRoom(name),
      idleMs: config.roomIdleMs,
      log,
      onPresence: (room) => live.onPresence(room),
      onActivity: (room, conn, kind) => activity.onActivity(conn, room.name, kind),
      onChange: (room) => {
        live.onChange(room)
        workflow.onRoomChange(room)
        roomReadings.forget(room.name)
      },
      beforeUnload: (room) => live.saveProgress(room),
      onStored: (room) => {
        live.saveProgress(room).catch((err) => log.error('saving progress failed', err, { room: room.name }))
      },
    })
    live.attach(rooms)
    const connections = new Set<Connection>()
    const access = new LiveAccess(db, connections, sessions)
    const backlog = new Backlog({
      maxQueuedBytes: config.maxQueuedBytes,
      maxQueuedBytesPerUser: config.maxQueuedBytesPerUser,
    })
    // A signed-out or revoked browser session closes its open sockets at once (4401).
    sessions.onRevoke((revoked) => {
      for (const userId of new Set(revoked.map((s) => s.userId))) access.refresh({ userId })
    })
    // Room changes reach `workflow` only once rooms are open; each status change re-decides the
    // task's open connections (finalize makes every room read-only at once).
    // The start-up probe runs in the background; until it decides, the server runs no code.
    const sandbox = new Sandbox({
      mode: config.sandbox,
      poolSize: config.sandboxPool,
      memoryMb: config.sandboxMemoryMb,
      ...(config.sandboxCacheDir ? { cacheDir: config.sandboxCacheDir } : {}),
      onError: (message, err) => log.error(message, err),
    })
    void sandbox.settled().then((status) => {
      if (status.state === 'unavailable' && config.sandbox !== 'off') log.warn('the server will not run tests itself; evidence stays browser-reported', { reason: status.reason })
    })
    const evidence = new EvidenceService({ db, rooms, sandbox, access })
    const workflow = new Workflow({
      db,
      rooms,
      records,
      audit,
      activity,
      log,
      access,
      evidence,
      ...(shared ? { fence: shared } : {}),
    })
    // Another instance finalizing a task: its editors here turn read-only too, and back after.
    shared?.onSeal((taskId, sealed) => (sealed ? access.seal(taskId) : access.unseal(taskId)))
    // Records changed through another instance: connections and loaded meta rooms here follow,
    // and dashboards here show who works on the others.
    if (shared) {
      followRecords({ db, rooms, access, log })
      live.shareWith((said) => shared.publishLive(said))
      shared.onLive((from, body) => {
        const said = readLiveShare(body)
        if (said) live.fromElsewhere(from, said)
      })
    }
    // Before anyone is served: complete committed finalizes, set aside uncommitted records, sign old ones.
    await recoverFinalizes({ db, records, rooms, log })
    const deps: AppDeps = {
      config,
      db,
      rooms,
      storage,
      shared,
      log,
      connections,
      live,
      sessions,
      access,
      backlog,
      workflow,
      records,
      recordKeys,
      activity,
      evidence,
      audit,
      workflowIndex: new WorkflowIndex(stores.auditSource),
      roomReadings,
      gold,
    }
    const bootstrap = async () => {
      const token = await ensureLead(db, config.dataDir)
      if (config.seedDemo && db.tasks.length === 0) await seedDemo(deps)
      return token
    }
    // Instances sharing one database take turns: the first makes the lead (its token goes to its
    // own DATA_DIR) and the demo, the others find them.
    const leadToken = shared ? await shared.startingUp(bootstrap) : await bootstrap()
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
        sandbox.close()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        // An action under way (a first edit starting the task) writes its meta room: let it land.
        await workflow.settle()
        await rooms.closeAll()
        for (const conn of connections) conn.close(CLOSE.restart)
        const deadline = Date.now() + SHUTDOWN_GRACE_MS
        while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
        for (const ws of wss.clients) ws.terminate()
        if ('closeAllConnections' in server) server.closeAllConnections()
        await closed
        await activity.close()
        await stores.close()
        lock.release()
      })())
    return { url, port, leadToken, lead: checkLead(db, leadToken), links: checkLinks(db, readDemoLinks(config.dataDir)), deps, stop }
  } catch (err) {
    lock.release()
    throw err
  }
}
