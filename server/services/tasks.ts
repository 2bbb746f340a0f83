/** Importing tasks and changing their assignments; the rooms of a task are seeded here, once. */
import * as Y from 'yjs'
import { getMeta, MetaKey, seedWorkspace } from '../../shared/schema'
import { roomName } from '../../shared/roomNames'
import { SERVER } from '../../shared/origins'
import { parseTaskLines } from '../../shared/validation'
import type { LineError } from '../../shared/validation'
import { DEFAULT_RUN_TIMEOUT_MS } from '../../shared/types'
import type { Batch, Task } from '../../shared/types'
import { DEFAULT_RUBRIC } from './batches'
import { CodejuryError } from '../../shared/errors'
import type { Db } from '../storage/db'
import type { StorageProvider } from '../storage/roomStorage'
import type { Rooms } from '../sync/rooms'
import type { Config } from '../config'
import { applyCommitted, crashPointForTests, rollBack, StagedImport } from './importStaging'
import type { ImportCommit } from './importStaging'
import type { LiveAccess } from './access'

/** The rubric a batch gets when an import creates it (the same default as a new batch's). */
export { DEFAULT_RUBRIC }

export interface TaskDeps {
  db: Db
  rooms: Rooms
  storage: StorageProvider
  /** Re-decides open connections after a change; absent while seeding, when none are open. */
  access?: Pick<LiveAccess, 'refresh'>
}

/**
 * Creates a batch with defaults if it does not exist yet: what an import into a new name gets
 * (DESIGN: collaborative, the default rubric). It is open-label (`blind: false`): a batch made on
 * the batches page or by `POST /api/batches` is blind by default, one that appears because an
 * import named it keeps the behaviour imports always had; the lead can make it blind later.
 */
export async function ensureBatch(db: Db, name: string): Promise<Batch> {
  const existing = db.batch(name)
  if (existing) return existing
  const now = new Date().toISOString()
  const batch: Batch = {
    name,
    mode: 'collaborative',
    guidelines: '',
    rubric: DEFAULT_RUBRIC,
    blind: false,
    run_timeout_ms: DEFAULT_RUN_TIMEOUT_MS,
    createdAt: now,
    updatedAt: now,
  }
  await db.putBatch(batch)
  return batch
}

/** What an import needs besides the task deps: whether rooms live on disk or in memory. */
export interface ImportDeps extends TaskDeps {
  config: Pick<Config, 'storage'>
}

/** How an import treats ids that exist already, and whom it assigns the new tasks to. */
export interface ImportOptions {
  /** `error` (default): any existing id refuses the whole import (409); `skip`: those lines are left out. */
  onConflict?: 'error' | 'skip'
  /** Annotators every imported task is assigned to; an unknown user or a non-annotator refuses the import. */
  assign?: string[]
}

/** A line left out by `onConflict: 'skip'` because its id exists already. */
export interface SkippedLine {
  line: number
  id: string
}

/**
 * The outcome of an import: the new ids and the lines skipped, or every problem (`conflict`: an
 * id taken or in flight; `status` 400 for bad lines or options).
 */
export type ImportResult =
  | { ok: true; ids: string[]; skipped: SkippedLine[] }
  | { ok: false; conflict: boolean; errors: LineError[] }

/** Task ids of imports in flight, per data directory: the second import of an id loses at once. */
const importing = new WeakMap<Db, Set<string>>()

/** Why `userIds` cannot be assigned (line 0 errors), or none: every one must be an existing annotator. */
export function assigneeProblems(db: Db, userIds: readonly string[]): LineError[] {
  return userIds.flatMap((id) => {
    const user = db.userById(id)
    if (!user) return [{ line: 0, message: `assign: no user "${id}"` }]
    if (user.role !== 'annotator') return [{ line: 0, message: `assign: "${id}" is a ${user.role}, not an annotator` }]
    return []
  })
}

/**
 * Imports a JSONL body: every task or none, also across a crash (see importStaging.ts). Imports
 * naming the same id are serialized by reserving ids before the first await: exactly one wins,
 * the others get `conflict` with the line of each contested id. Each new task's workspace and
 * meta rooms are written as their first snapshots, so no loaded document is ever seeded twice.
 */
export async function importTasks(
  deps: ImportDeps,
  batchName: string,
  text: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const assignees = [...new Set(options.assign ?? [])]
  const badAssignees = assigneeProblems(deps.db, assignees)
  if (badAssignees.length) return { ok: false, conflict: false, errors: badAssignees }
  const parsed = parseTaskLines(text)
  if (parsed.errors.length) return { ok: false, conflict: false, errors: parsed.errors }
  const busy = importing.get(deps.db) ?? new Set<string>()
  importing.set(deps.db, busy)
  const clashes: LineError[] = []
  const skipped: SkippedLine[] = []
  const tasks = parsed.tasks.filter((t, i) => {
    const line = parsed.lines[i]
    if (deps.db.hasTask(t.id)) {
      if (options.onConflict === 'skip') skipped.push({ line, id: t.id })
      else clashes.push({ line, message: `task id "${t.id}" already exists` })
      return false
    }
    if (busy.has(t.id)) clashes.push({ line, message: `task id "${t.id}" is being imported by another request` })
    return true
  })
  if (clashes.length) return { ok: false, conflict: true, errors: clashes }
  if (tasks.length === 0) return { ok: true, ids: [], skipped }
  for (const t of tasks) busy.add(t.id)
  try {
    const now = new Date().toISOString()
    const stored: Task[] = tasks.map((t) => ({
      ...t,
      batch: batchName,
      status: 'open',
      revision: 1,
      assignees: [...assignees],
      createdAt: now,
      updatedAt: now,
    }))
    await commitImport(deps, { batch: batchName, tasks: stored })
    return { ok: true, ids: stored.map((t) => t.id), skipped }
  } finally {
    for (const t of tasks) busy.delete(t.id)
  }
}

/** How many tasks an import stages between two turns of the event loop. */
const YIELD_EVERY = 50

/** Stages, commits and applies one import; on any failure nothing of it remains. */
async function commitImport(deps: ImportDeps, commit: ImportCommit): Promise<void> {
  const onDisk = deps.config.storage === 'disk'
  const staged = StagedImport.begin(deps.db.dir)
  try {
    if (onDisk) {
      for (let i = 0; i < commit.tasks.length; i++) {
        // Yield now and then: a 10,000-task import must not stall everyone's live rooms for seconds.
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setImmediate(r))
        for (const [room, state] of seededRooms(commit.tasks[i])) staged.stageRoom(room, state)
      }
    }
    crashPointForTests('import-staged')
    await staged.commit(commit)
  } catch (err) {
    staged.discard()
    throw err
  }
  try {
    await applyCommitted(staged.dir, commit, {
      db: deps.db,
      ensureBatch,
      beforeRecords: (tasks) => {
        if (onDisk) return
        for (const task of tasks) for (const [room, state] of seededRooms(task)) deps.storage.forRoom(room).writeInitial(state)
      },
    })
  } catch (err) {
    rollBack(staged.dir, commit, deps.db)
    throw err
  }
}

/** The first state of a new task's rooms: the seeded workspace and the meta. */
function seededRooms(task: Task): [string, Uint8Array][] {
  // A given guid spares a uuid per doc (crypto randomness cost seconds at 10,000 tasks).
  const ws = new Y.Doc({ guid: roomName.workspace(task.id) })
  seedWorkspace(ws, task, SERVER)
  const meta = new Y.Doc({ guid: roomName.meta(task.id) })
  writeMeta(meta, task)
  const rooms: [string, Uint8Array][] = [
    [roomName.workspace(task.id), Y.encodeStateAsUpdate(ws)],
    [roomName.meta(task.id), Y.encodeStateAsUpdate(meta)],
  ]
  ws.destroy()
  meta.destroy()
  return rooms
}

function writeMeta(doc: Y.Doc, task: Task): void {
  const meta = getMeta(doc)
  doc.transact(() => {
    meta.set(MetaKey.status, task.status)
    meta.set(MetaKey.revision, task.revision)
    meta.set(MetaKey.assignees, [...task.assignees])
  }, SERVER)
}

/** Replaces a task's assignees; only annotators can be assigned. */
export async function assignTask(deps: TaskDeps, taskId: string, userIds: string[]): Promise<Task> {
  if (!deps.db.hasTask(taskId)) throw new CodejuryError('not-found', `no task "${taskId}"`)
  for (const id of userIds) {
    const user = deps.db.userById(id)
    if (!user) throw new CodejuryError('bad-input', `no user "${id}"`)
    if (user.role !== 'annotator') throw new CodejuryError('bad-input', `"${id}" is a ${user.role}, not an annotator`)
  }
  const task = await deps.db.updateTask(taskId, (t) => {
    t.assignees = [...new Set(userIds)]
  })
  // Access is live (issue 8): the unassigned lose write at once, the newly assigned gain it.
  deps.access?.refresh({ taskId })
  await deps.rooms.transact(roomName.meta(taskId), (doc) => writeMeta(doc, task))
  return task
}

/** The first line of a prompt, without markdown markers: the task's title in lists. */
export function taskTitle(prompt: string): string {
  const line = prompt.split('\n').find((l) => l.trim()) ?? ''
  const title = line.replace(/^[#>*\-\s`]+/, '').replace(/[*_`]/g, '').trim()
  return title.length > 120 ? `${title.slice(0, 117)}…` : title
}

/** Whether a user sees a task: leads and reviewers see all, annotators what they are assigned. */
export function canSeeTask(user: { id: string; role: string }, task: Task): boolean {
  return user.role !== 'annotator' || task.assignees.includes(user.id)
}
