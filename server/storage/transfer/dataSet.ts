/**
 * Everything `codejury storage copy` moves between a DATA_DIR and PostgreSQL, held in memory as
 * one value: both sides read into it (fileSide.ts, pgSide.ts) and write from it, and the copy is
 * verified by reading the target into another one and comparing the two (compareDataSets.ts).
 * Review records are kept as their exact stored text: they are hashed and signed, and must arrive
 * byte for byte. A room is kept as its whole Yjs state (snapshot and updates folded into one
 * update) and the owners of its client ids.
 */
import * as Y from 'yjs'
import type { Batch, Task } from '../../../shared/types'
import type { StoredUser } from '../recordsDb'
import type { StoredSession } from '../sessionTypes'
import type { GoldEntry } from '../goldStore'
import type { ActivityRow } from '../activityStore'
import type { AuditEntry } from '../audit'

export interface RoomState {
  /** The whole document as one Yjs update. */
  state: Uint8Array
  /** [client id, user] for every client id someone wrote with. */
  owners: Array<[number, string]>
}

export interface DataSet {
  users: StoredUser[]
  batches: Batch[]
  /** With their assignees. */
  tasks: Task[]
  sessions: StoredSession[]
  gold: GoldEntry[]
  /** Time on task by UTC day, one row per (task, user, revision, quarter): see mergeActivityRows. */
  activity: Map<string, ActivityRow[]>
  /** Every audit line, oldest first (the lines that commit records included). */
  audit: AuditEntry[]
  /** `<taskId>/<revision>` → the sealed record's stored JSON text (no trailing newline). */
  records: Map<string, string>
  /** Room name → its state. */
  rooms: Map<string, RoomState>
}

/** The kinds a summary counts, in the order it prints them. */
export const DATA_KINDS = ['users', 'batches', 'tasks', 'sessions', 'gold', 'activity', 'audit', 'records', 'rooms'] as const
export type DataKind = (typeof DATA_KINDS)[number]

/** How many of each kind a data set holds (activity: its days' rows). */
export function countData(data: DataSet): Map<DataKind, number> {
  const rows = [...data.activity.values()].reduce((n, list) => n + list.length, 0)
  return new Map<DataKind, number>([
    ['users', data.users.length],
    ['batches', data.batches.length],
    ['tasks', data.tasks.length],
    ['sessions', data.sessions.length],
    ['gold', data.gold.length],
    ['activity', rows],
    ['audit', data.audit.length],
    ['records', data.records.size],
    ['rooms', data.rooms.size],
  ])
}

/** Whether nothing at all is stored: the only kind of target a copy writes to. */
export function isEmptyData(data: DataSet): boolean {
  return [...countData(data).values()].every((n) => n === 0)
}

/** A room's stored updates (snapshot first) folded into one state update. */
export function foldUpdates(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc()
  try {
    for (const update of updates) Y.applyUpdate(doc, update)
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

/**
 * Rows of several writers (PostgreSQL keeps each instance's apart) as one writer's: one row per
 * task, user, revision and quarter, its time and edits summed, in a stable order.
 */
export function mergeActivityRows(rows: readonly ActivityRow[]): ActivityRow[] {
  const merged = new Map<string, ActivityRow>()
  for (const r of rows) {
    const key = JSON.stringify([r.task, r.user, r.revision, r.q ?? null])
    const held = merged.get(key)
    if (!held) {
      merged.set(key, { ...r })
      continue
    }
    held.active_ms += r.active_ms
    if (r.edits !== undefined) held.edits = (held.edits ?? 0) + r.edits
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r)
}

/** Parses `<taskId>/<revision>` as the records map keys it. */
export function splitRecordKey(key: string): { taskId: string; revision: number } {
  const slash = key.lastIndexOf('/')
  return { taskId: key.slice(0, slash), revision: Number(key.slice(slash + 1)) }
}
