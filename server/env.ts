/** The Hono environment of every route, and what the routes depend on. */
import type { Config } from './config'
import type { Logger } from './log'
import type { SessionVariables } from './middleware/session'
import type { Db } from './storage/db'
import type { StorageProvider } from './storage/roomStorage'
import type { Rooms } from './sync/rooms'
import type { Connection } from './sync/connection'
import type { LiveHub } from './services/live'
import type { Workflow, AccessRefresher } from './services/workflow'
import type { ActivityTracker } from './services/activity'
import type { RecordStore } from './storage/records'

export interface AppDeps {
  config: Config
  db: Db
  rooms: Rooms
  storage: StorageProvider
  log: Logger
  /** Every open WebSocket connection, for keep-alive, shutdown and metrics. */
  connections: Set<Connection>
  live: LiveHub
  workflow: Workflow
  records: RecordStore
  /** Time on task, fed every frame a connection sends (server/ws.ts). */
  activity: ActivityTracker
  /** Live access (LiveAccess): re-evaluates open connections after a status change. */
  access?: AccessRefresher
}

export type AppEnv = { Variables: SessionVariables }
