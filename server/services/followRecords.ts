/**
 * With several instances, a records change made on one reaches the others through the records
 * feed, not through the request that made it. Here each instance follows it as the writer did:
 * the open connections of changed tasks and users are re-decided (an unassigned annotator loses
 * write everywhere, a new role or token applies everywhere), and a loaded meta room whose
 * assignees are stale is brought up to date (the instance that wrote them may not have it loaded).
 */
import { roomName } from '../../shared/roomNames'
import { getMeta, MetaKey } from '../../shared/schema'
import type { RecordsDb, TaskChange } from '../storage/recordsDb'
import type { Rooms } from '../sync/rooms'
import type { Logger } from '../log'
import { writeMeta } from './tasks'

export interface FollowDeps {
  db: RecordsDb & { onUsersChanged?(listener: (ids: readonly string[]) => void): () => void }
  rooms: Rooms
  access: { refresh(scope: { taskIds?: ReadonlySet<string>; userId?: string }): void }
  log: Logger
}

function sameList(a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i])
}

export function followRecords(deps: FollowDeps): () => void {
  const { db, rooms, access, log } = deps
  const offTasks = db.onTasksChanged((changes: readonly TaskChange[]) => {
    access.refresh({ taskIds: new Set(changes.map((c) => c.after.id)) })
    for (const { after } of changes) {
      const room = rooms.peek(roomName.meta(after.id))
      if (!room || room.deferred || sameList(getMeta(room.doc).get(MetaKey.assignees), after.assignees)) continue
      rooms.transact(room.name, (doc) => writeMeta(doc, db.task(after.id) ?? after)).catch((err) => {
        log.error('bringing a meta room up to date failed; it catches up on its next load', err, { room: room.name })
      })
    }
  })
  const offUsers = db.onUsersChanged?.((ids) => {
    for (const userId of ids) access.refresh({ userId })
  })
  return () => {
    offTasks()
    offUsers?.()
  }
}
