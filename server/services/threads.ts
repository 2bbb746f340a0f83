/**
 * Comment threads as the server sees them: unresolved and mention counts per task for the queue
 * and the dashboard (kept with the task, live while the comments room is loaded), and authors
 * that are always the writer's own user id, whatever a client wrote.
 */
import * as Y from 'yjs'
import { parseRoomName } from '../../shared/roomNames'
import { getThreads } from '../../shared/schema'
import { CommentKey, mentionsIn, readThreads, ThreadKey } from '../../shared/comments'
import type { Mentionable } from '../../shared/comments'
import { SERVER } from '../../shared/origins'
import type { Task, ThreadCounts, ThreadSummary } from '../../shared/types'
import type { RecordsDb } from '../storage/recordsDb'
import type { Room } from '../sync/room'
import type { Connection } from '../sync/connection'

/** Counts are recomputed at most this often per task while people comment. */
const COUNT_DEBOUNCE_MS = 250

const NO_COUNTS: ThreadCounts = { unresolved: 0, mentions: {} }

/** Whether a user is on a task (may comment on it and be mentioned): leads, reviewers, assignees. */
export function isOnTask(user: { id: string; role: string }, task: Task): boolean {
  return user.role !== 'annotator' || task.assignees.includes(user.id)
}

/** The people a comment on `task` can mention. */
export function taskPeople(db: RecordsDb, task: Task): Mentionable[] {
  return db.users.filter((u) => isOnTask(u, task)).map((u) => ({ id: u.id, name: u.name }))
}

/** Counts a comments doc: unresolved threads, and per person the unresolved threads naming them. */
export function countThreads(doc: Y.Doc, people: readonly Mentionable[]): ThreadCounts {
  const counts: ThreadCounts = { unresolved: 0, mentions: {} }
  for (const t of readThreads(doc)) {
    if (t.resolved) continue
    counts.unresolved++
    const named = new Set(t.comments.flatMap((c) => mentionsIn(c.body, people)))
    for (const id of named) counts.mentions[id] = (counts.mentions[id] ?? 0) + 1
  }
  return counts
}

function isConnection(origin: unknown): origin is { source: 'connection'; conn: Connection } {
  return !!origin && typeof origin === 'object' && (origin as { source?: unknown }).source === 'connection'
}

/**
 * Keeps every thread's and comment's `author` equal to the user whose connection created it. A
 * map seen for the first time is attributed to the transaction's writer if that transaction
 * created it, else (loaded from storage) it keeps what is stored. A forged or edited author is
 * set back in the same turn, so the correction is stored and relayed with the forgery.
 */
class AuthorGuard {
  private readonly authors = new WeakMap<Y.Map<unknown>, string>()

  constructor(private readonly doc: Y.Doc) {
    this.doc.on('afterTransaction', this.onTransaction)
    // What is stored was checked when it was written.
    this.visit(null, null)
  }

  destroy(): void {
    this.doc.off('afterTransaction', this.onTransaction)
  }

  private readonly onTransaction = (tr: Y.Transaction): void => {
    if (!isConnection(tr.origin)) return
    const writer = tr.origin.conn.user.id
    const fixes: [Y.Map<unknown>, string][] = []
    this.visit(tr, writer, fixes)
    if (fixes.length === 0) return
    // Not inside the writer's transaction: Yjs runs this after it, and the fix joins the same turn.
    queueMicrotask(() => {
      if (this.doc.isDestroyed) return
      this.doc.transact(() => {
        for (const [map, author] of fixes) if (map.get(ThreadKey.author) !== author) map.set(ThreadKey.author, author)
      }, SERVER)
    })
  }

  private expected(map: Y.Map<unknown>, tr: Y.Transaction | null, writer: string | null): string | null {
    const known = this.authors.get(map)
    if (known !== undefined) return known
    const item = map._item
    const created =
      tr !== null && writer !== null && item !== null && item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0)
    const author = created ? writer : map.get(ThreadKey.author)
    if (typeof author !== 'string') return null
    this.authors.set(map, author)
    return author
  }

  private check(map: Y.Map<unknown>, tr: Y.Transaction | null, writer: string | null, fixes?: [Y.Map<unknown>, string][]) {
    const author = this.expected(map, tr, writer)
    if (author !== null && map.get(ThreadKey.author) !== author) fixes?.push([map, author])
  }

  private visit(tr: Y.Transaction | null, writer: string | null, fixes?: [Y.Map<unknown>, string][]): void {
    for (const thread of getThreads(this.doc).toArray()) {
      if (!(thread instanceof Y.Map)) continue
      this.check(thread, tr, writer, fixes)
      const comments = thread.get(ThreadKey.comments)
      if (!(comments instanceof Y.Array)) continue
      for (const c of comments.toArray()) if (c instanceof Y.Map && c.has(CommentKey.body)) this.check(c, tr, writer, fixes)
    }
  }
}

/**
 * Thread counts of every task. `summaryFor` answers from memory or from what was saved with the
 * task, never by loading a room; a loaded comments room's changes are counted, saved with the
 * task and announced through `onCounts`.
 */
export class ThreadCounter {
  private readonly live = new Map<string, ThreadCounts>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly guards = new WeakMap<Room, AuthorGuard>()

  constructor(
    private readonly db: RecordsDb,
    private readonly onCounts: (task: Task) => void,
    private readonly onError: (err: unknown, room: string) => void = (err, room) =>
      console.error('codejury: counting comment threads failed', room, err),
  ) {}

  /** Rooms call this on every join: a comments room gets its author guard before any frame. */
  onJoin(room: Room): void {
    if (parseRoomName(room.name)?.kind !== 'comments' || this.guards.has(room)) return
    try {
      const guard = new AuthorGuard(room.doc)
      this.guards.set(room, guard)
      room.doc.on('destroy', () => guard.destroy())
      // Counts saved before a crash (or a shutdown inside the debounce) may be behind the room.
      if (room.changed) this.onChange(room)
    } catch (err) {
      this.onError(err, room.name) // a broken room serves nobody anyway
    }
  }

  /** Rooms call this after document changes; counts are recomputed debounced. */
  onChange(room: Room): void {
    const parsed = parseRoomName(room.name)
    if (parsed?.kind !== 'comments' || this.timers.has(parsed.taskId)) return
    const timer = setTimeout(() => {
      this.timers.delete(parsed.taskId)
      this.recount(parsed.taskId, room).catch((err) => this.onError(err, room.name))
    }, COUNT_DEBOUNCE_MS)
    timer.unref()
    this.timers.set(parsed.taskId, timer)
  }

  private async recount(taskId: string, room: Room): Promise<void> {
    const task = this.db.task(taskId)
    if (!task || room.destroyed) return
    const counts = countThreads(room.doc, taskPeople(this.db, task))
    const key = JSON.stringify(counts)
    if (key === JSON.stringify(this.countsOf(task))) return
    this.live.set(taskId, counts)
    this.onCounts(task)
    await this.db.updateTask(taskId, (t) => {
      t.threadCounts = counts
    })
  }

  private countsOf(task: Task): ThreadCounts {
    return this.live.get(task.id) ?? task.threadCounts ?? NO_COUNTS
  }

  /** What one person sees of a task's threads: unresolved ones, and those that mention them. */
  summaryFor(task: Task, userId: string): ThreadSummary {
    const counts = this.countsOf(task)
    return { unresolved: counts.unresolved, mentions: counts.mentions[userId] ?? 0 }
  }

  /** Stops pending recounts (shutdown). */
  close(): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }
}
