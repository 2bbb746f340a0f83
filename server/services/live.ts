/**
 * What the queue shows live: who is in each task's workspace room and how far its work has come.
 * Presence changes are pushed to subscribers (the `/api/events` stream); progress is read from the
 * live document when its room is loaded and saved into the task when the room unloads.
 */
import { parseRoomName, roomName } from '../../shared/roomNames'
import { computeProgress } from '../../shared/progress'
import type { Progress } from '../../shared/progress'
import type { PresentUser, Task, TaskStatus, TaskSummary } from '../../shared/types'
import type { RecordsDb, TaskChange } from '../storage/recordsDb'
import type { Room } from '../sync/room'
import type { Rooms } from '../sync/rooms'
import { canSeeTask } from './tasks'
import { taskTitle } from '../../shared/title'
import { displayLabels } from '../../shared/blind'
import { ThreadCounter } from './threads'
import { BallotSubmissions } from './ballotSubmissions'
import { viewOf, watchViews } from './looking'
import type { ThreadSummary } from '../../shared/types'
import { PresenceElsewhere, SHARE_EVERY_MS } from './liveElsewhere'
import type { LiveShare } from './liveElsewhere'

/** A list row's stored fields after a change: what the queue and the dashboard update in place. */
export interface TaskRowChange {
  taskId: string
  status: TaskStatus
  revision: number
  assignees: string[]
  updatedAt: string
}

/**
 * What `/api/events` streams: `presence` when someone joins or leaves, `progress` as work moves,
 * `threads` as comments come and go, `task` when a task's status, revision or assignees change
 * (or it is added), and `tasks` instead when one write changed more than ROW_EVENTS_MAX of them:
 * reload the first page.
 */
export type LiveEvent =
  | { type: 'presence'; data: { taskId: string; present: PresentUser[] } }
  | { type: 'progress'; data: { taskId: string; progress: Progress } }
  | { type: 'threads'; data: { taskId: string; threads: ThreadSummary } }
  | { type: 'task'; data: TaskRowChange }
  | { type: 'tasks'; data: { count: number } }

type Subscriber = { user: { id: string; role: string }; send: (e: LiveEvent) => void }

/** One write changing more rows than this (an import, a distribution) sends one `tasks` event. */
export const ROW_EVENTS_MAX = 100

/** Progress is recomputed at most this often per task while people type. */
const PROGRESS_DEBOUNCE_MS = 1_000

/** Who is in `room`, with what they look at; a candidate view carries the candidate's label. */
export function presentIn(room: Room | undefined, labels: ReadonlyMap<string, string> = new Map()): PresentUser[] {
  if (!room) return []
  const byId = new Map<string, PresentUser>()
  for (const c of room.conns) {
    if (c.closed) continue
    const { id, name, role, color } = c.user
    const seen = viewOf(room, c)
    const label = seen?.candidateId !== undefined ? labels.get(seen.candidateId) : undefined
    const view = seen && label !== undefined ? { ...seen, candidateLabel: label } : seen
    byId.set(id, { id, name, role: role as PresentUser['role'], color, ...(view ? { view } : {}) })
  }
  return [...byId.values()]
}

export class LiveHub {
  private readonly subscribers = new Set<Subscriber>()
  private rooms: Rooms | null = null
  private readonly progressTimers = new Map<string, NodeJS.Timeout>()
  private readonly lastProgress = new Map<string, string>()
  private readonly lastPresence = new WeakMap<Room, string>()
  /** Several instances: who is where on the others, and how to tell them about this one. */
  private elsewhere: PresenceElsewhere | null = null
  private share: ((said: LiveShare) => void) | null = null
  private shareTimer: NodeJS.Timeout | null = null

  /** Unresolved and mention counts of comment threads (server/services/threads.ts). */
  readonly threads: ThreadCounter
  /** Which ballots are submitted, for the next-task route (server/services/ballotSubmissions.ts). */
  readonly ballots = new BallotSubmissions()

  constructor(private readonly db: RecordsDb) {
    db.onTasksChanged((changes) => this.onTasksChanged(changes))
    // Each person gets their own mention count, so the event is made per subscriber.
    this.threads = new ThreadCounter(db, (task) => {
      for (const s of this.subscribers) {
        if (!canSeeTask(s.user, task)) continue
        s.send({ type: 'threads', data: { taskId: task.id, threads: this.threads.summaryFor(task, s.user.id) } })
      }
    })
  }

  attach(rooms: Rooms): void {
    this.rooms = rooms
    this.ballots.attach(rooms)
  }

  /**
   * Several instances: tells the others (through `share`) who is in each workspace here and how
   * its work moves, repeated while anyone is there, and takes what they tell (`fromElsewhere`).
   */
  shareWith(share: (said: LiveShare) => void): void {
    this.share = share
    this.elsewhere = new PresenceElsewhere()
    this.shareTimer = setInterval(() => this.shareAll(), SHARE_EVERY_MS)
    this.shareTimer.unref()
  }

  /** Another instance said who is in a task's workspace there, or how its work moved. */
  fromElsewhere(from: string, said: LiveShare): void {
    const task = this.db.task(said.taskId)
    if (!task) return
    if ('progress' in said) {
      const key = JSON.stringify(said.progress)
      if (this.lastProgress.get(task.id) === key) return
      this.lastProgress.set(task.id, key)
      return this.broadcast(task, { type: 'progress', data: { taskId: task.id, progress: said.progress } })
    }
    this.elsewhere?.set(from, task.id, said.present)
    this.broadcast(task, { type: 'presence', data: { taskId: task.id, present: this.presentAt(task) } })
  }

  /** Who is in the task's workspace here, and on the other instances. */
  private presentAt(task: Task, room = this.rooms?.peek(roomName.workspace(task.id))): PresentUser[] {
    const local = presentIn(room, this.labelsOf(task))
    return this.elsewhere ? this.elsewhere.merged(task.id, local) : local
  }

  private async shareAll(): Promise<void> {
    if (!this.share || !this.rooms) return
    for (const room of await this.rooms.loaded()) {
      const parsed = parseRoomName(room.name)
      const task = parsed?.kind === 'workspace' ? this.db.task(parsed.taskId) : undefined
      if (task && room.conns.size > 0) this.share({ taskId: task.id, present: presentIn(room, this.labelsOf(task)) })
    }
  }

  subscribe(user: Subscriber['user'], send: Subscriber['send']): () => void {
    const sub = { user, send }
    this.subscribers.add(sub)
    return () => this.subscribers.delete(sub)
  }

  /** Rooms call this when someone joins or leaves. */
  onPresence(room: Room): void {
    this.threads.onJoin(room)
    const parsed = parseRoomName(room.name)
    if (!parsed || parsed.kind !== 'workspace') return
    const task = this.db.task(parsed.taskId)
    if (!task) return
    watchViews(room, () => this.onPresence(room))
    const present = presentIn(room, this.labelsOf(task))
    // View changes come often (every cursor move touches awareness): send only real changes.
    const key = JSON.stringify(present)
    if (this.lastPresence.get(room) === key) return
    this.lastPresence.set(room, key)
    this.share?.({ taskId: task.id, present })
    this.broadcast(task, { type: 'presence', data: { taskId: task.id, present: this.elsewhere ? this.elsewhere.merged(task.id, present) : present } })
  }

  /** Rooms call this after document changes; progress goes out debounced, only when it moved. */
  onChange(room: Room): void {
    this.threads.onChange(room)
    this.ballots.onChange(room)
    const parsed = parseRoomName(room.name)
    // With other instances to tell, progress is worked out even when nobody here is watching.
    if (!parsed || parsed.kind !== 'workspace' || (this.subscribers.size === 0 && !this.share)) return
    if (this.progressTimers.has(parsed.taskId)) return
    const timer = setTimeout(() => {
      this.progressTimers.delete(parsed.taskId)
      const task = this.db.task(parsed.taskId)
      const live = this.rooms?.peek(room.name)
      if (!task || !live) return
      const progress = this.progressOf(task, live)
      const key = JSON.stringify(progress)
      if (!progress || this.lastProgress.get(task.id) === key) return
      this.lastProgress.set(task.id, key)
      this.share?.({ taskId: task.id, progress })
      this.broadcast(task, { type: 'progress', data: { taskId: task.id, progress } })
    }, PROGRESS_DEBOUNCE_MS)
    timer.unref()
    this.progressTimers.set(parsed.taskId, timer)
  }

  /**
   * Stored task changes go to everyone who could see the task before or after it (an annotator
   * taken off a task hears of it, so their queue drops the row). Only status, revision and
   * assignees make a row event; progress and threads have their own.
   */
  private onTasksChanged(changes: readonly TaskChange[]): void {
    if (this.subscribers.size === 0) return
    const rows = changes.filter(({ before, after }) => !before || before.status !== after.status || before.revision !== after.revision || !sameList(before.assignees, after.assignees))
    if (rows.length === 0) return
    if (rows.length > ROW_EVENTS_MAX) {
      // Counted once per annotator, not per subscriber and row: a 100,000-task write stays one pass.
      const perAnnotator = new Map<string, number>()
      for (const { before, after } of rows) {
        for (const id of new Set([...(before?.assignees ?? []), ...after.assignees])) perAnnotator.set(id, (perAnnotator.get(id) ?? 0) + 1)
      }
      for (const s of this.subscribers) {
        const count = s.user.role === 'annotator' ? (perAnnotator.get(s.user.id) ?? 0) : rows.length
        if (count > 0) s.send({ type: 'tasks', data: { count } })
      }
      return
    }
    for (const { before, after } of rows) {
      const event: LiveEvent = {
        type: 'task',
        data: { taskId: after.id, status: after.status, revision: after.revision, assignees: after.assignees, updatedAt: after.updatedAt },
      }
      for (const s of this.subscribers) {
        if ((before && canSeeTask(s.user, before)) || canSeeTask(s.user, after)) s.send(event)
      }
    }
  }

  private broadcast(task: Task, event: LiveEvent): void {
    for (const s of this.subscribers) if (canSeeTask(s.user, task)) s.send(event)
  }

  /** Stops pending progress timers (shutdown). */
  close(): void {
    if (this.shareTimer) clearInterval(this.shareTimer)
    this.threads.close()
    for (const t of this.progressTimers.values()) clearTimeout(t)
    this.progressTimers.clear()
  }

  /**
   * Saves a workspace's progress into its task if it moved: when the room unloads, and after each
   * snapshot, so a crash leaves the saved progress no older than the snapshot it reloads from.
   */
  async saveProgress(room: Room): Promise<void> {
    const parsed = parseRoomName(room.name)
    // Unchanged since load: the saved progress (or its absence, "not started") still holds.
    if (!parsed || parsed.kind !== 'workspace' || !room.changed || room.destroyed) return
    const task = this.db.task(parsed.taskId)
    if (!task) return
    const progress = this.progressOf(task, room)
    if (progress && JSON.stringify(progress) !== JSON.stringify(task.progress)) {
      await this.db.updateTask(task.id, (t) => {
        t.progress = progress
      })
    }
  }

  progressOf(task: Task, room = this.rooms?.peek(roomName.workspace(task.id))): Progress | null {
    // Unchanged since it was loaded: what was saved still holds (and reading it from the
    // document would decode a room that is only being read).
    if (!room || !room.changed) return task.progress ?? null
    // Read through shared/readers.ts: the document may hold anything a writer sent.
    return computeProgress(room.doc, task, this.db.batch(task.batch)?.rubric ?? [])
  }

  /** How pages name the task's candidates (letters in a blind batch). */
  private labelsOf(task: Task): Map<string, string> {
    return displayLabels(task, this.db.batch(task.batch)?.blind ?? false)
  }

  /** A task as `userId` sees it in the queue and on the dashboard. */
  summarize(task: Task, userId: string): TaskSummary {
    const room = this.rooms?.peek(roomName.workspace(task.id))
    return {
      id: task.id,
      batch: task.batch,
      language: task.language,
      title: taskTitle(task.prompt),
      status: task.status,
      revision: task.revision,
      assignees: task.assignees,
      candidateCount: task.candidates.length,
      updatedAt: task.updatedAt,
      progress: this.progressOf(task, room),
      present: this.presentAt(task, room),
      threads: this.threads.summaryFor(task, userId),
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
