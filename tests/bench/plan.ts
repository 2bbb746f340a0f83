/**
 * Workload sizes and durations of the two modes: `--quick` (CI, about a minute) and the full run
 * (docs/performance.md).
 */
import type { ChurnPlan } from './churn'

export interface Plan {
  mode: 'quick' | 'full'
  w1: { rooms: number; clients: number; ratePerSec: number; warmupS: number; measureS: number }
  w2: {
    clients: number
    writers: number
    ratePerSec: number
    warmupS: number
    measureS: number
    docBytes: number
    joiners: number
    joinWindowMs: number
  }
  /**
   * `idleWaitS`: how long W3 waits after closing every client before it reads the memory the
   * rooms keep; `waitForUnload` stretches that to the server's own idle-unload delay.
   */
  w3: {
    rooms: number
    /** The first rooms open at a pace the servers can sustain: per-room load time. */
    pacedRooms: number
    pacedMs: number
    /** The rest open all at once, as after a restart: capacity and stalls. */
    stormMs: number
    idleWaitS: number
    waitForUnload: boolean
  }
  /** The churn run (`--workloads churn`, not in the default list: it takes half an hour). */
  churn: ChurnPlan
  /**
   * The light load, the one that flatters codejury least: small rooms at a typing pace,
   * each server on its default storage, in `rounds` alternating rounds (a fresh process each).
   */
  light: {
    rooms: number
    clients: number
    ratePerSec: number
    warmupS: number
    measureS: number
    rounds: number
  }
  /** Idle rooms (one client each, empty document) opened to measure memory per room. */
  memoryRooms: number
  ramp: { ratesPerClient: number[]; warmupS: number; measureS: number; p99LimitMs: number }
  drain: { quietMs: number; maxMs: number }
  validate: { clients: number; ratePerSec: number; seconds: number }
  /** Rooms whose final state is read back and checked for every marker, per W1 run. */
  verifyRooms: number
  /** Message size the populating clients stay under (codejury caps frames; see docs/protocol.md#close-codes). */
  chunkBytes: number
  /** Longest wait, before each window, for other processes to leave our cores alone. */
  quietWaitS: number
  /** How often a window disturbed by other processes is repeated. */
  noisyRetries: number
  /**
   * Total seconds a run may spend on quiet waits and repeats, so a busy machine can't stretch it
   * without end.
   */
  noiseBudgetS: number
}

/**
 * W3's mix of stored document sizes (encoded Yjs state), by share of rooms. 160 KB is the size
 * the cold-load target names.
 */
export const W3_SIZE_MIX: Array<{ bytes: number; share: number }> = [
  { bytes: 4_000, share: 0.5 },
  { bytes: 40_000, share: 0.3 },
  { bytes: 160_000, share: 0.15 },
  { bytes: 640_000, share: 0.05 },
]

/** Size of room i's document, interleaved so that every part of the load sees every size. */
export function w3SizeOf(i: number): number {
  const slot = (i * 0.618033988749895) % 1
  let acc = 0
  for (const { bytes, share } of W3_SIZE_MIX) {
    acc += share
    if (slot < acc) return bytes
  }
  return W3_SIZE_MIX[W3_SIZE_MIX.length - 1].bytes
}

export const FULL: Plan = {
  mode: 'full',
  w1: { rooms: 100, clients: 10, ratePerSec: 2, warmupS: 3, measureS: 15 },
  w2: {
    clients: 200,
    writers: 10,
    ratePerSec: 2,
    warmupS: 2,
    measureS: 10,
    docBytes: 1_600_000,
    joiners: 200,
    joinWindowMs: 2_000,
  },
  w3: {
    rooms: 1_000,
    pacedRooms: 200,
    pacedMs: 8_000,
    stormMs: 4_000,
    idleWaitS: 5,
    waitForUnload: true,
  },
  churn: {
    minutes: 30,
    stepS: 10,
    lifeSteps: 3,
    roomsPerCohort: 20,
    clientsPerRoom: 5,
    ratePerSec: 1,
    sampleEveryS: 60,
  },
  light: { rooms: 50, clients: 6, ratePerSec: 2, warmupS: 2, measureS: 10, rounds: 5 },
  memoryRooms: 400,
  ramp: { ratesPerClient: [4, 6, 8, 11, 16, 22, 32], warmupS: 2, measureS: 5, p99LimitMs: 100 },
  drain: { quietMs: 300, maxMs: 5_000 },
  validate: { clients: 3, ratePerSec: 5, seconds: 3 },
  verifyRooms: 10,
  chunkBytes: 64_000,
  quietWaitS: 20,
  noisyRetries: 2,
  noiseBudgetS: 300,
}

export const QUICK: Plan = {
  mode: 'quick',
  w1: { rooms: 100, clients: 10, ratePerSec: 2, warmupS: 0.3, measureS: 1.5 },
  w2: {
    clients: 60,
    writers: 10,
    ratePerSec: 2,
    warmupS: 0.3,
    measureS: 1,
    docBytes: 400_000,
    joiners: 40,
    joinWindowMs: 1_000,
  },
  w3: {
    rooms: 60,
    pacedRooms: 20,
    pacedMs: 1_000,
    stormMs: 400,
    idleWaitS: 0.5,
    waitForUnload: false,
  },
  churn: {
    minutes: 1,
    stepS: 2,
    lifeSteps: 3,
    roomsPerCohort: 10,
    clientsPerRoom: 5,
    ratePerSec: 1,
    sampleEveryS: 10,
  },
  light: { rooms: 50, clients: 6, ratePerSec: 2, warmupS: 0.3, measureS: 1.5, rounds: 1 },
  memoryRooms: 100,
  ramp: { ratesPerClient: [6], warmupS: 0.3, measureS: 1.5, p99LimitMs: 100 },
  drain: { quietMs: 100, maxMs: 3_000 },
  validate: { clients: 3, ratePerSec: 5, seconds: 0.8 },
  verifyRooms: 3,
  chunkBytes: 64_000,
  quietWaitS: 0,
  noisyRetries: 0,
  noiseBudgetS: 0,
}
