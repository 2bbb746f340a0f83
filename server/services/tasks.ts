/** Importing tasks and changing their assignments; the first state of a task's rooms. */
import * as Y from 'yjs'
import { getMeta, MetaKey, seedWorkspace } from '../../shared/schema'
import { parseRoomName, roomName } from '../../shared/roomNames'
import { SERVER } from '../../shared/origins'
import { fnv1a } from '../../shared/seeded'
import { splitLines, TaskLineParser } from '../../shared/validation'
import type { LineError } from '../../shared/validation'
import { DEFAULT_RUN_TIMEOUT_MS } from '../../shared/types'
import type { Batch, Task } from '../../shared/types'
import { DEFAULT_RUBRIC } from './batches'
import { CodejuryError } from '../../shared/errors'
import { TaskIdsTakenError } from '../storage/recordsDb'
import type { CommittedImport, RecordsDb, TaskChange, TaskImport } from '../storage/recordsDb'
import type { StorageProvider } from '../storage/roomStorage'
import type { Rooms } from '../sync/rooms'
import type { Config } from '../config'
import { crashPointForTests } from './importStaging'
import { assignRoomIds, withOpaqueIds } from './blindIds'
import type { LiveAccess } from './access'

/** The rubric a batch gets when an import creates it (the same default as a new batch's). */
export { DEFAULT_RUBRIC }

export interface TaskDeps {
  db: RecordsDb
  rooms: Rooms
  storage: StorageProvider
  /** Re-decides open connections after a change; absent while seeding, when none are open. */
  access?: Pick<LiveAccess, 'refresh'>
}

/**
 * Creates a batch with defaults if it does not exist yet: what an import into a new name gets
 * (docs/formats.md#import: collaborative, the default rubric), blind unless the lead said otherwise (`blind`).
 * A batch made after a crash cut an import short is blind too: the safe side.
 */
export async function ensureBatch(db: RecordsDb, name: string, blind = true): Promise<Batch> {
  const existing = db.batch(name)
  if (existing) return existing
  const now = new Date().toISOString()
  const batch: Batch = {
    name,
    mode: 'collaborative',
    guidelines: '',
    rubric: DEFAULT_RUBRIC,
    blind,
    run_timeout_ms: DEFAULT_RUN_TIMEOUT_MS,
    createdAt: now,
    updatedAt: now,
  }
  return db.addBatchIfMissing(batch)
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
  /** Whether a batch this import creates is blind (default true); an existing batch keeps its own. */
  blind?: boolean
}

/** The batch an import went into: whether the import created it, and whether it is blind. */
export interface ImportedBatch {
  name: string
  created: boolean
  blind: boolean
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
  | { ok: true; ids: string[]; skipped: SkippedLine[]; batch: ImportedBatch }
  | { ok: false; conflict: boolean; errors: LineError[] }

/** Task ids of imports in flight, per data directory: the second import of an id loses at once. */
const importing = new WeakMap<RecordsDb, Set<string>>()

/** Why `userIds` cannot be assigned (line 0 errors), or none: every one must be an existing annotator. */
export function assigneeProblems(db: RecordsDb, userIds: readonly string[]): LineError[] {
  return userIds.flatMap((id) => {
    const user = db.userById(id)
    if (!user) return [{ line: 0, message: `assign: no user "${id}"` }]
    if (user.role !== 'annotator') return [{ line: 0, message: `assign: "${id}" is a ${user.role}, not an annotator` }]
    return []
  })
}

/**
 * Imports a JSONL body, a line at a time: every task or none, also across a crash. Valid lines
 * are staged as they arrive (`stageImport`: for the file store a task pack, taskPacks.ts, whose
 * rename into place is the commit). Concurrent imports naming the same id: once a body is read and valid, its ids
 * are checked and reserved in one synchronous step before the commit, so exactly one import
 * wins and the others get `conflict` with the line of each contested id; an import refused for
 * its own errors never holds anyone else's ids. No room is written here: a task's rooms get
 * their seeded first state when they are first loaded (`seedRoomState`).
 */
export async function importTasks(
  deps: ImportDeps,
  batchName: string,
  body: string | AsyncIterable<string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const assignees = [...new Set(options.assign ?? [])]
  const badAssignees = assigneeProblems(deps.db, assignees)
  if (badAssignees.length) return { ok: false, conflict: false, errors: badAssignees }
  // Decided before the first line: a blind batch's tasks get opaque candidate ids (blindIds.ts).
  const existing = deps.db.batch(batchName)
  const blind = existing ? existing.blind : (options.blind ?? true)
  const busy = importing.get(deps.db) ?? new Set<string>()
  importing.set(deps.db, busy)
  const parser = new TaskLineParser()
  const clashes: LineError[] = []
  const skipped: SkippedLine[] = []
  const stored: { task: Task; line: number }[] = []
  const now = new Date().toISOString()
  let pack: TaskImport | null = null
  let reserved: string[] = []
  try {
    let sinceYield = 0
    for await (const raw of typeof body === 'string' ? splitLines(body) : body) {
      const input = parser.line(raw)
      // Stay fair to live rooms: a 10,000-line body must not hold the event loop for seconds.
      if (++sinceYield === YIELD_EVERY) {
        sinceYield = 0
        await new Promise((r) => setImmediate(r))
      }
      if (!input) continue
      const line = parser.lines
      if (deps.db.hasTask(input.id)) {
        if (options.onConflict === 'skip') skipped.push({ line, id: input.id })
        else clashes.push({ line, message: `task id "${input.id}" already exists` })
        continue
      }
      if (parser.errors.length || clashes.length) continue // refused already: validate the rest, write nothing
      const candidates = blind ? withOpaqueIds(input.candidates) : input.candidates
      const task: Task = { ...input, candidates, batch: batchName, status: 'open', revision: 1, assignees: [...assignees], createdAt: now, updatedAt: now }
      pack ??= deps.db.stageImport()
      pack.add(task)
      stored.push({ task, line })
    }
    const errors = parser.finish()
    if (errors.length) return { ok: false, conflict: false, errors }
    if (clashes.length) return { ok: false, conflict: true, errors: clashes }
    if (!pack) return { ok: true, ids: [], skipped, batch: { name: batchName, created: false, blind } }
    // One synchronous step: what another import committed or reserved while this body arrived.
    for (const { task, line } of stored) {
      if (deps.db.hasTask(task.id)) clashes.push({ line, message: `task id "${task.id}" was imported by another request meanwhile` })
      else if (busy.has(task.id)) clashes.push({ line, message: `task id "${task.id}" is being imported by another request` })
    }
    if (clashes.length) return { ok: false, conflict: true, errors: clashes }
    reserved = stored.map((s) => s.task.id)
    for (const id of reserved) busy.add(id)
    crashPointForTests('import-staged')
    let committed: CommittedImport
    try {
      committed = await pack.commit()
    } catch (err) {
      if (!(err instanceof TaskIdsTakenError)) throw err
      const taken = new Set(err.ids)
      const lost = stored.filter((s) => taken.has(s.task.id))
      return { ok: false, conflict: true, errors: lost.map(({ task, line }) => ({ line, message: `task id "${task.id}" was imported by another request meanwhile` })) }
    }
    pack = null
    crashPointForTests('import-committed')
    let batch: Batch
    const created = !deps.db.batch(batchName)
    try {
      // After a crash right here, startup creates the batch of every task that lacks one.
      batch = await ensureBatch(deps.db, batchName, blind)
    } catch (err) {
      await committed.takeBack() // a full disk: the import did not happen
      throw err
    }
    committed.serve()
    // The batch turned blind while this body arrived (made blind, or created blind by another
    // import): these tasks are unopened, so they get their opaque ids now.
    if (batch.blind && !blind) await assignRoomIds({ db: deps.db }, batchName)
    return { ok: true, ids: reserved, skipped, batch: { name: batchName, created, blind: batch.blind } }
  } finally {
    pack?.discard()
    for (const id of reserved) busy.delete(id)
  }
}

/** How many lines an import reads between two turns of the event loop. */
const YIELD_EVERY = 200

/**
 * The first state of a task's workspace or meta room, from its task record, or null for any
 * other room (comments and ballots start empty) or an unknown task. Written as the room's first
 * snapshot when the room is first loaded (server/storage/seededStorage.ts).
 *
 * Deterministic: the seed is written under a client id derived from the room name and what the
 * seed holds, so seeding the same content twice yields the same structs (a no-op when merged),
 * and seeds of different content (a meta room re-seeded after its task changed, possible only
 * with STORAGE=memory after a restart) never share a struct id: they merge as two concurrent
 * writes of the same keys, never as a corrupt document.
 */
export function seedRoomState(db: RecordsDb, name: string): Uint8Array | null {
  const room = parseRoomName(name)
  const task = room && db.task(room.taskId)
  if (!room || !task || (room.kind !== 'workspace' && room.kind !== 'meta')) return null
  // A given guid spares a uuid per doc (crypto randomness cost seconds at 10,000 tasks).
  const doc = new Y.Doc({ guid: name })
  const content =
    room.kind === 'workspace'
      ? JSON.stringify([task.candidates.map((c) => c.id), task.tests ?? ''])
      : JSON.stringify([task.status, task.revision, task.assignees])
  doc.clientID = seedClientId(name, content)
  if (room.kind === 'workspace') seedWorkspace(doc, task, SERVER)
  else writeMeta(doc, task)
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}

/** A Yjs client id (uint32) from FNV-1a over the room name and the seed's content. */
export function seedClientId(name: string, content: string): number {
  return fnv1a(content, fnv1a('\u0000', fnv1a(name)))
}

/** The server's part of a meta room: status, revision, assignees. */
export function writeMeta(doc: Y.Doc, task: Task): void {
  const meta = getMeta(doc)
  doc.transact(() => {
    meta.set(MetaKey.status, task.status)
    meta.set(MetaKey.revision, task.revision)
    meta.set(MetaKey.assignees, [...task.assignees])
  }, SERVER)
}

/**
 * What a stored meta room must learn when it loads: an update setting the task's current
 * assignees when the stored ones differ (they changed while the room was not loaded), else null.
 * Any other room, an unknown task, or a state that does not decode: null (the load decides).
 */
export function metaCatchUp(db: RecordsDb, name: string, updates: readonly Uint8Array[]): Uint8Array | null {
  const room = parseRoomName(name)
  const task = room?.kind === 'meta' ? db.task(room.taskId) : undefined
  if (!task) return null
  const doc = new Y.Doc({ guid: name })
  try {
    for (const u of updates) Y.applyUpdate(doc, u)
    const stored: unknown = getMeta(doc).get(MetaKey.assignees)
    if (Array.isArray(stored) && stored.length === task.assignees.length && stored.every((a, i) => a === task.assignees[i])) return null
    const before = Y.encodeStateVector(doc)
    doc.transact(() => getMeta(doc).set(MetaKey.assignees, [...task.assignees]), SERVER)
    return Y.encodeStateAsUpdate(doc, before)
  } catch {
    return null
  } finally {
    doc.destroy()
  }
}

/**
 * Gives tasks new assignees in one batch (`setAssignees`: one write, memory after it is
 * durable; a full disk changes nothing), then re-decides the open connections of those tasks in
 * one pass and writes the meta rooms that are loaded now; a meta room loaded later learns its
 * assignees on load (metaCatchUp). A failed meta write there drops the room, whose next load
 * catches up the same way. Returns the changes made (tasks whose assignees were already these
 * are left out).
 */
export async function applyAssignments(deps: TaskDeps, changes: ReadonlyMap<string, readonly string[]>): Promise<TaskChange[]> {
  const made = await deps.db.setAssignees(changes)
  if (!made.length) return made
  deps.access?.refresh({ taskIds: new Set(made.map((c) => c.after.id)) })
  for (const { after } of made) {
    const name = roomName.meta(after.id)
    if (!deps.rooms.peek(name)) continue
    try {
      await deps.rooms.transact(name, (doc) => writeMeta(doc, deps.db.task(after.id) ?? after))
    } catch {
      // stored assignees stand; the room reloads from storage and catches up on load
    }
  }
  return made
}

/** Replaces a task's assignees; only annotators can be assigned. */
export async function assignTask(deps: TaskDeps, taskId: string, userIds: string[]): Promise<Task> {
  if (!deps.db.hasTask(taskId)) throw new CodejuryError('not-found', `no task "${taskId}"`)
  for (const id of userIds) {
    const user = deps.db.userById(id)
    if (!user) throw new CodejuryError('bad-input', `no user "${id}"`)
    if (user.role !== 'annotator') throw new CodejuryError('bad-input', `"${id}" is a ${user.role}, not an annotator`)
  }
  // The same path as a distribution: one source of truth for assignees; access is live (the
  // unassigned lose write at once, the newly assigned gain it); a loaded meta room is told now.
  await applyAssignments(deps, new Map([[taskId, [...new Set(userIds)]]]))
  return deps.db.task(taskId)!
}

/** Whether a user sees a task: leads and reviewers see all, annotators what they are assigned. */
export function canSeeTask(user: { id: string; role: string }, task: Task): boolean {
  return user.role !== 'annotator' || task.assignees.includes(user.id)
}
