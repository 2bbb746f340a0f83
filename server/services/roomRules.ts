/**
 * The write rules each room gets (sync/writeRules.ts), with what they need from the records:
 * assignees for who may resolve a thread, the audit log for deleted threads' tombstones, and
 * each person's rate of starting threads (kept here, so it outlives a room's unload).
 */
import { MAX_COMMENTS_PER_MINUTE, MAX_THREAD_STARTS_PER_MINUTE } from '../../shared/comments'
import { parseRoomName } from '../../shared/roomNames'
import type { AuditTrail } from '../storage/recordStores'
import type { RecordsDb } from '../storage/recordsDb'
import { commentRules } from '../sync/commentRules'
import type { ThreadTombstone } from '../sync/commentRules'
import type { Writer, WriteRules } from '../sync/writeRules'

const MINUTE_MS = 60_000

export interface RoomRulesDeps {
  db: RecordsDb
  audit: AuditTrail
  now?: () => number
  /** A tombstone line a shared audit log could not store (it is written after the delete there). */
  onAuditFailed?: (err: unknown) => void
}

/** Hands each room its rules; one per server. */
export class RoomRules {
  /** When each person (per task) started threads, or posted comments, in the last minute, oldest first. */
  private readonly starts = new Map<string, number[]>()

  constructor(private readonly deps: RoomRulesDeps) {}

  /** The rules of room `name`: the comments rules for a comments room, else the built-in ones (undefined). */
  forRoom(name: string): WriteRules | undefined {
    const parsed = parseRoomName(name)
    if (parsed?.kind !== 'comments') return undefined
    const taskId = parsed.taskId
    return commentRules({
      isAssignee: (userId) => this.deps.db.task(taskId)?.assignees.includes(userId) ?? false,
      takeThreadStarts: (userId, count) => this.takeStarts(`${taskId}\u0000${userId}`, count, MAX_THREAD_STARTS_PER_MINUTE),
      takeComments: (userId, count) => this.takeStarts(`${taskId}\u0000${userId}\u0000comments`, count, MAX_COMMENTS_PER_MINUTE),
      onThreadsDeleted: (threads, by) => this.recordDeletes(taskId, threads, by),
    })
  }

  private takeStarts(key: string, count: number, perMinute: number): boolean {
    const now = this.deps.now?.() ?? Date.now()
    const recent = (this.starts.get(key) ?? []).filter((t) => now - t < MINUTE_MS)
    if (recent.length + count > perMinute) {
      this.starts.set(key, recent)
      return false
    }
    for (let i = 0; i < count; i++) recent.push(now)
    this.starts.set(key, recent)
    // Forget people who stopped: the map holds only the last minute's starters.
    if (this.starts.size > 1_000) {
      for (const [k, times] of this.starts) if (times.every((t) => now - t >= MINUTE_MS)) this.starts.delete(k)
    }
    return true
  }

  /**
   * One audit line per deleted thread: in the file log whole and fsynced before the delete is
   * applied; in a shared log (PostgreSQL) committed while the delete is stored, and reported when
   * it fails, since room rules decide synchronously.
   */
  private recordDeletes(taskId: string, threads: ThreadTombstone[], by: Writer): void {
    const task = this.deps.db.task(taskId)
    const user = this.deps.db.userById(by.id)
    const at = new Date(this.deps.now?.() ?? Date.now()).toISOString()
    for (const thread of threads) {
      const written = this.deps.audit.append({
        at,
        by: by.id,
        by_name: user?.name ?? by.id,
        role: by.role,
        task: taskId,
        action: 'delete_thread',
        from: task?.status ?? '',
        to: task?.status ?? '',
        revision: task?.revision ?? 0,
        message: JSON.stringify({ thread }),
      })
      if (written instanceof Promise) written.catch((err) => this.deps.onAuditFailed?.(err))
    }
  }
}
