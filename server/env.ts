/** The Hono environment of every route, and what the routes depend on. */
import type { Config } from './config'
import type { Logger } from './log'
import type { SessionVariables } from './middleware/session'
import type { RecordsDb } from './storage/recordsDb'
import type { SharedHealth } from './storage/sharedEngines'
import type { StorageProvider } from './storage/roomStorage'
import type { Rooms } from './sync/rooms'
import type { Connection } from './sync/connection'
import type { LiveHub } from './services/live'
import type { Sessions } from './storage/sessionTypes'
import type { LiveAccess } from './services/access'
import type { Backlog } from './sync/backlog'
import type { Workflow } from './services/workflow'
import type { ActivityTracker } from './services/activity'
import type { AuditTrail, ReviewRecordStore } from './storage/recordStores'
import type { RecordKeys } from './storage/recordKey'
import type { EvidenceService } from './services/evidence'
import type { Gold } from './storage/goldStore'
import type { WorkflowIndex } from './services/workflowIndex'
import type { RoomReadings } from './services/roomReadings'

export interface AppDeps {
  config: Config
  db: RecordsDb
  rooms: Rooms
  storage: StorageProvider
  /** The engines shared with other instances (STORAGE=postgres), for health; null with files. */
  shared: { health(): Promise<SharedHealth> } | null
  log: Logger
  /** Every open WebSocket connection, for keep-alive, shutdown and metrics. */
  connections: Set<Connection>
  live: LiveHub
  /** Sign-in sessions (DATA_DIR/sessions.json, or PostgreSQL): the cookie carries a session id, never a token. */
  sessions: Sessions
  /** Re-decides open connections' access after a change to users, tokens, assignments or status. */
  access: LiveAccess
  /** Bytes queued to slow readers, capped server-wide and per user. */
  backlog: Backlog
  workflow: Workflow
  records: ReviewRecordStore
  /** The record signing key and the public keys records verify against (`GET /api/records/key`). */
  recordKeys: RecordKeys
  /** Time on task, fed every frame a connection sends (server/ws.ts). */
  activity: ActivityTracker
  /** The server's own test runs in its sandbox (services/evidence.ts). */
  evidence: EvidenceService
  /** The append-only log of workflow actions (read by the quality figures, written by gold changes). */
  audit: AuditTrail
  /** The audit log's workflow lines by task and by submitter, read incrementally. */
  workflowIndex: WorkflowIndex
  /** Workspace rankings read before, kept until their room changes (gold figures). */
  roomReadings: RoomReadings
  /** Gold tasks' true rankings, kept apart from everything that serves a task. */
  gold: Gold
}

export type AppEnv = { Variables: SessionVariables }
