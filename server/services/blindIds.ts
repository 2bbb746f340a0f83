/**
 * Opaque candidate ids for blind batches. The rooms key ratings, ranking, runs, notes and comment
 * anchors by candidate id, and everyone on a task reads the rooms, so in a blind batch the rooms
 * must not hold import ids (they often name the model: "gpt4o-run3"). The server gives each
 * candidate an id of its own (`c_` + 16 base32 characters, random) and keeps the import id on
 * the task as `import_id`, for the lead and the exports, which write import ids.
 *
 * Tasks whose rooms already hold import ids (imported before this rule, or into an open-label
 * batch made blind later, once someone opened them) cannot be re-keyed honestly: offline copies
 * in browsers would bring the old keys back, and sealed records name them. Those keep their
 * import ids as room ids (`import_id === id`), and the server says so in its log.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Candidate, Task } from '../../shared/types'
import type { RecordsDb } from '../storage/recordsDb'
import type { Logger } from '../log'
import type { Rooms } from '../sync/rooms'
import { roomName } from '../../shared/roomNames'

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** A fresh opaque candidate id: `c_` and 16 base32 characters (80 random bits). */
export function opaqueCandidateId(): string {
  const bytes = randomBytes(16)
  let id = 'c_'
  for (const b of bytes) id += BASE32[b & 31]
  return id
}

/** The candidates with opaque room ids; each keeps its import id as `import_id`. */
export function withOpaqueIds(candidates: readonly Candidate[]): Candidate[] {
  const used = new Set<string>()
  return candidates.map((c) => {
    let id = opaqueCandidateId()
    while (used.has(id)) id = opaqueCandidateId()
    used.add(id)
    return { ...c, id, import_id: c.import_id ?? c.id }
  })
}

/** True when every candidate already has its room id decided (`import_id` set). */
export function hasRoomIds(task: Pick<Task, 'candidates'>): boolean {
  return task.candidates.every((c) => typeof c.import_id === 'string')
}

/**
 * Whether any of the task's rooms may hold candidate ids already: it has been worked on, saved
 * progress or threads, has room files other than its meta room's (meta holds no candidate ids;
 * an assignment writes it), or (`isLoaded`) its workspace or comments room is open right now.
 */
export function taskStarted(dataDir: string, task: Task, isLoaded: (taskId: string) => boolean = () => false): boolean {
  return (
    task.status !== 'open' ||
    task.revision > 1 ||
    task.progress !== undefined ||
    task.threadCounts !== undefined ||
    isLoaded(task.id) ||
    roomFilesBesideMeta(path.join(dataDir, 'rooms', task.id))
  )
}

function roomFilesBesideMeta(dir: string): boolean {
  try {
    return fs.readdirSync(dir).some((name) => !name.startsWith('meta'))
  } catch {
    return false // no room was ever stored
  }
}

/** What `assignRoomIds` did: tasks given opaque ids, and tasks that keep their import ids. */
export interface RoomIdsOutcome {
  opaque: string[]
  kept: string[]
}

/**
 * Decides room ids for every task of a blind batch (all batches, or `batchName`) that has none
 * yet: opaque ids for a task nobody opened, its import ids for one whose rooms may hold them
 * (logged: those rooms name import ids). Runs at start-up and when a batch is made blind.
 */
export async function assignRoomIds(
  deps: { db: RecordsDb; log?: Pick<Logger, 'warn' | 'info'>; isLoaded?: (taskId: string) => boolean },
  batchName?: string,
): Promise<RoomIdsOutcome> {
  const outcome: RoomIdsOutcome = { opaque: [], kept: [] }
  for (const task of deps.db.tasks) {
    if (batchName !== undefined && task.batch !== batchName) continue
    if (hasRoomIds(task) || !deps.db.batch(task.batch)?.blind) continue
    const started = taskStarted(deps.db.dir, task, deps.isLoaded)
    await deps.db.updateTask(task.id, (t) => {
      t.candidates = started ? t.candidates.map((c) => ({ ...c, import_id: c.id })) : withOpaqueIds(t.candidates)
    })
    ;(started ? outcome.kept : outcome.opaque).push(task.id)
  }
  if (outcome.opaque.length) deps.log?.info('gave blind tasks opaque candidate ids', { count: outcome.opaque.length })
  if (outcome.kept.length) {
    deps.log?.warn('blind tasks already opened keep their import ids as candidate ids in their rooms', {
      count: outcome.kept.length,
      tasks: outcome.kept.slice(0, 20),
    })
  }
  return outcome
}

/** True when the task's workspace or comments room is open in this process right now. */
export function taskRoomLoaded(rooms: Pick<Rooms, 'peek'>, taskId: string): boolean {
  return [roomName.workspace(taskId), roomName.comments(taskId)].some((name) => rooms.peek(name) !== undefined)
}
