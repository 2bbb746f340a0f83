/**
 * Commands between the orchestrator (run.ts) and a load-generator process, over the IPC channel.
 */
import type { LatencySummary } from './histogram'
import type { ClientSpec } from './benchClient'

/** Opens clients, spread evenly over `arrivalMs` (0: as fast as `concurrency` allows). */
export interface ConnectCmd {
  op: 'connect'
  clients: ClientSpec[]
  arrivalMs: number
  concurrency: number
  counting: boolean
  timeoutMs: number
  /** Per client: bytes of document that must arrive before it counts as loaded (W3). */
  expectBytes?: number[]
  /**
   * Reconnecting clients: client i holds the content of size `sizes[i]` (as `populate` wrote it)
   * minus its tail, sends that state vector in sync step 1, and counts as loaded once the tail has
   * arrived. Replaces `expectBytes`.
   */
  held?: { sizes: number[]; chunkBytes: number }
}

/**
 * Every sender sends `ratePerSec` edits (and cursor moves with `presence`) from startUs to toUs.
 */
export interface RunCmd {
  op: 'run'
  senders: number[]
  ratePerSec: number
  presence: boolean
  startUs: number
  fromUs: number
  toUs: number
}

/**
 * Waits until every edit sent in the window has reached every other counting client of its room
 * (`receiversByRoom`), or `maxMs` passed. Without the receiver counts, it waits until no marker
 * has arrived for `quietMs`.
 */
export interface DrainCmd {
  op: 'drain'
  quietMs: number
  maxMs: number
  receiversByRoom?: Record<string, number>
}

/**
 * Writes stored content into rooms (one short-lived client each) and waits until the server has it.
 */
export interface PopulateCmd {
  op: 'populate'
  clients: ClientSpec[]
  sizes: number[]
  chunkBytes: number
  concurrency: number
  timeoutMs: number
}

/** Reads each room's state through a fresh client and checks that every marker sent is in it. */
export interface VerifyCmd {
  op: 'verify'
  clients: ClientSpec[]
  timeoutMs: number
}

export interface CollectCmd {
  op: 'collect'
}

export interface CloseCmd {
  op: 'close'
  ids?: number[]
}

export interface SetCountingCmd {
  op: 'setCounting'
  ids: number[]
  counting: boolean
}

export type Cmd =
  | ConnectCmd
  | RunCmd
  | DrainCmd
  | PopulateCmd
  | VerifyCmd
  | CollectCmd
  | CloseCmd
  | SetCountingCmd

/** Per-client connect outcome: time to first content and the size of what arrived. */
export interface ConnectResult {
  /** Connect → first sync step 2. */
  ttfcMs: number[]
  /** Connect → `expectBytes` arrived (equals ttfcMs without expectBytes). */
  contentMs: number[]
  step2Bytes: number[]
  failures: string[]
  durationMs: number
}

export interface PopulateResult {
  step2Bytes: number[]
  failures: string[]
  durationMs: number
  contentBytes: Record<string, number>
}

export interface VerifyResult {
  rooms: number
  markersExpected: number
  markersMissing: number
  failures: string[]
}

/** What one load generator saw in the measurement window, plus its own health. */
export interface CollectResult {
  updates: LatencySummary
  /** The part of `updates` whose sender was on another server instance (ClientSpec.instance). */
  crossUpdates: LatencySummary
  crossDelivered: number
  presence: LatencySummary
  delivered: number
  deliveredPresence: number
  echoes: number
  outOfOrder: number
  acks: number
  sentByRoom: Record<string, number>
  sentPresenceByRoom: Record<string, number>
  closes: Record<string, number>
  errors: string[]
  eldP99Ms: number
  eldMaxMs: number
  elu: number
}
