/**
 * The records of codejury on lowdb: one `Low` per file, and files kept small. Users and batches
 * are small and live in one file each; every task has its own file, so a change to one task
 * rewrites a few kilobytes, whatever the number of tasks. Imported tasks are read from their
 * import's pack (taskPacks.ts) until a change gives them their own file.
 *
 * Assignees are the exception: they live in the assignment log (assignmentLog.ts), written in
 * batches, read over the packs and task files on start; `setAssignees` is their only writer.
 *
 * A write is persisted before memory changes: each change is made on a copy, the copy
 * is written (temporary file, fsync, rename, directory fsync) and only then becomes what the
 * server serves. A write that fails (a full disk: StorageError, 507) leaves file and memory as
 * they were. Writes to one file are serialized, so each change applies to the latest state.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Low } from 'lowdb'
import { DEFAULT_RUN_TIMEOUT_MS } from '../../shared/types'
import type { Batch, Task } from '../../shared/types'
import { ensureDir } from './durableFile'
import { AssignmentLog } from './assignmentLog'
import type { AssignmentEntry } from './assignmentLog'
import { PackWriter, readPacks, removePack } from './taskPacks'
import { listOf, RecordFile, RecordFileError } from './recordFile'
import { storedTaskProblem } from '../../shared/validation'
import type { ShapeCheck } from './recordFile'
import type { CommittedImport, RecordsDb, StoredUser, TaskChange, TaskImport } from './recordsDb'

export type { StoredUser, TaskChange } from './recordsDb'

interface UsersFile {
  users: StoredUser[]
}
interface BatchesFile {
  batches: Batch[]
}

const USERS_SHAPE = listOf('users', ['id', 'name', 'role', 'tokenHash'])
const BATCHES_SHAPE = listOf('batches', ['name'])
/**
 * A task file or pack line is checked with the schema the import validates with (plus the
 * server's own fields): a task an import accepted always loads again.
 */
const TASK_SHAPE: ShapeCheck = storedTaskProblem

async function openFile<T>(file: string, defaults: T, check: ShapeCheck): Promise<Low<T>> {
  const db = new Low<T>(new RecordFile<T>(file, check), defaults)
  await db.read()
  return db
}

/** Runs writes to one file one after another; a failed write does not stop the next. */
class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve()
  run<R>(write: () => Promise<R>): Promise<R> {
    const next = this.tail.then(write, write)
    this.tail = next.catch(() => {})
    return next
  }
}

/** The lowdb instances of one data directory, with the in-memory indexes the routes need. */
export class Db implements RecordsDb {
  private constructor(
    readonly dir: string,
    private readonly usersDb: Low<UsersFile>,
    private readonly batchesDb: Low<BatchesFile>,
    private readonly taskDbs: Map<string, Low<Task>>,
    private readonly assignments: AssignmentLog,
  ) {
    for (const u of usersDb.data.users) this.byTokenHash.set(u.tokenHash, u)
  }

  private readonly byTokenHash = new Map<string, StoredUser>()
  /** What opening the records found worth a warning in the log (nothing was changed on disk). */
  readonly notices: string[] = []
  private readonly queues = new Map<string, WriteQueue>()
  private readonly taskListeners = new Set<(changes: readonly TaskChange[]) => void>()

  /**
   * Calls `listener` with the tasks whose stored record changed (status, assignees, progress…) or
   * that were added (`before` undefined), once memory holds the change. Returns the unsubscribe function.
   */
  onTasksChanged(listener: (changes: readonly TaskChange[]) => void): () => void {
    this.taskListeners.add(listener)
    return () => this.taskListeners.delete(listener)
  }

  /** Tells the listeners; one that throws stops neither the others nor the write, which happened. */
  protected tasksChanged(changes: readonly TaskChange[]): void {
    if (!changes.length) return
    for (const listener of this.taskListeners) {
      try {
        listener(changes)
      } catch {
        // a listener's failure is its own; the write already happened
      }
    }
  }

  /** Opens every record file; throws RecordFileError naming the first damaged one. */
  static async open(dataDir: string): Promise<Db> {
    const tasksDir = path.join(dataDir, 'tasks')
    ensureDir(tasksDir)
    const users = await openFile<UsersFile>(path.join(dataDir, 'users.json'), { users: [] }, USERS_SHAPE)
    const batches = await openFile<BatchesFile>(path.join(dataDir, 'batches.json'), { batches: [] }, BATCHES_SHAPE)
    const taskDbs = new Map<string, Low<Task>>()
    const taskDb = (task: Task) => new Low<Task>(new RecordFile<Task>(path.join(tasksDir, `${task.id}.json`), TASK_SHAPE), task)
    // Imported tasks come from their packs; a task file (written on any later change) wins.
    const packed = new Map<string, string>()
    const notices: string[] = []
    for (const pack of readPacks(dataDir, TASK_SHAPE)) {
      for (const task of pack.tasks) {
        const other = packed.get(task.id)
        if (other) {
          // Only a pack taken back after a failed import that a power cut then restored can do
          // this: the earlier pack is the one that was served; the later line is ignored, loudly.
          notices.push(`${pack.file} holds task "${task.id}", which ${other} holds too; the earlier one is kept`)
          continue
        }
        packed.set(task.id, pack.file)
        taskDbs.set(task.id, taskDb(task))
      }
    }
    for (const name of fs.readdirSync(tasksDir)) {
      if (!name.endsWith('.json')) continue
      const file = path.join(tasksDir, name)
      const db = await openFile<Task>(file, null as unknown as Task, TASK_SHAPE)
      if (!db.data) continue // gone between readdir and read
      if (`${db.data.id}.json` !== name) throw new RecordFileError(file, `holds task "${db.data.id}"`)
      taskDbs.set(db.data.id, db)
    }
    // The assignment log's last entry per task wins over what its pack or file says.
    const { log, read } = AssignmentLog.open(dataDir)
    notices.push(...read.notices)
    let unknown = 0
    for (const [id, entry] of read.latest) {
      const task = taskDbs.get(id)
      if (!task?.data) {
        unknown++
        continue
      }
      task.data = { ...task.data, assignees: entry.assignees, updatedAt: entry.at > task.data.updatedAt ? entry.at : task.data.updatedAt }
    }
    if (unknown) notices.push(`${log.file} names ${unknown} task(s) that do not exist; their entries are ignored`)
    const db = new Db(dataDir, users, batches, taskDbs, log)
    db.notices.push(...notices)
    return db
  }

  // Users

  get users(): readonly StoredUser[] {
    return this.usersDb.data.users
  }

  userByTokenHash(hash: string): StoredUser | undefined {
    return this.byTokenHash.get(hash)
  }

  userById(id: string): StoredUser | undefined {
    return this.usersDb.data.users.find((u) => u.id === id)
  }

  async addUser(user: StoredUser): Promise<void> {
    await this.commit(this.usersDb, (data) => ({ ...data, users: [...data.users, user] }))
    this.byTokenHash.set(user.tokenHash, user)
  }

  /**
   * Replaces the users list with `next` (removal, a new token hash, a new role): the file is
   * written first, and memory and the token index change only once it is stored.
   */
  async replaceUsers(next: StoredUser[]): Promise<void> {
    await this.commit(this.usersDb, (data) => ({ ...data, users: next }))
    this.byTokenHash.clear()
    for (const u of next) this.byTokenHash.set(u.tokenHash, u)
  }

  // Batches

  /** Every batch, in creation order (the batches page and `GET /api/batches`). */
  get batches(): Batch[] {
    return this.batchesDb.data.batches.map((b) => this.batch(b.name)!)
  }

  batch(name: string): Batch | undefined {
    const batch = this.batchesDb.data.batches.find((b) => b.name === name)
    // Batches written before `blind` and `run_timeout_ms` existed read as open-label, 5 s.
    const stored: Partial<Batch> | undefined = batch
    return batch && { ...batch, blind: stored?.blind ?? false, run_timeout_ms: stored?.run_timeout_ms ?? DEFAULT_RUN_TIMEOUT_MS }
  }

  /**
   * Adds `batch` unless one of its name exists (checked inside the file's write queue, so two
   * imports creating the same new batch at once never overwrite each other, or an edit made
   * between them); returns the batch that is stored.
   */
  async addBatchIfMissing(batch: Batch): Promise<Batch> {
    await this.commit(this.batchesDb, (data) =>
      data.batches.some((b) => b.name === batch.name) ? data : { ...data, batches: [...data.batches, batch] },
    )
    return this.batch(batch.name)!
  }

  async putBatch(batch: Batch): Promise<void> {
    await this.commit(this.batchesDb, (data) => {
      const batches = [...data.batches]
      const i = batches.findIndex((b) => b.name === batch.name)
      if (i >= 0) batches[i] = batch
      else batches.push(batch)
      return { ...data, batches }
    })
  }

  // Tasks

  task(id: string): Task | undefined {
    return this.taskDbs.get(id)?.data ?? undefined
  }

  get tasks(): Task[] {
    return [...this.taskDbs.values()].map((db) => db.data)
  }

  hasTask(id: string): boolean {
    return this.taskDbs.has(id)
  }

  /**
   * Writes new tasks, all or none, as one task pack (taskPacks.ts): they appear in memory only
   * once the pack is durable and in place. A failed write (a full disk: StorageError) leaves no
   * file and no task. Imports write their pack themselves while reading the body, then `adopt`.
   */
  async addTasks(tasks: Task[]): Promise<void> {
    const pack = PackWriter.begin(this.dir)
    try {
      for (const task of tasks) pack.add(task)
    } catch (err) {
      pack.discard()
      throw err
    }
    pack.commit()
    this.adopt(tasks)
  }

  /**
   * An import as one task pack: staged under `imports/` as lines arrive, committed by its rename
   * into `task-packs/`, served by `adopt`, taken back by removing the pack.
   */
  stageImport(): TaskImport {
    const pack = PackWriter.begin(this.dir)
    const tasks: Task[] = []
    let committed = false
    return {
      add: (task) => {
        pack.add(task)
        tasks.push(task)
      },
      commit: async (): Promise<CommittedImport> => {
        const file = pack.commit()
        committed = true
        return { serve: () => this.adopt(tasks), takeBack: async () => removePack(file) }
      },
      discard: () => {
        if (!committed) pack.discard()
      },
    }
  }

  /** Serves tasks whose pack was committed; later changes to one go to its own task file. */
  adopt(tasks: readonly Task[]): void {
    for (const task of tasks) {
      this.taskDbs.set(task.id, new Low<Task>(new RecordFile<Task>(this.taskFile(task.id), TASK_SHAPE), task))
    }
    this.tasksChanged(tasks.map((after) => ({ before: undefined, after })))
  }

  /**
   * Gives each task in `changes` its new assignees: one batch in the assignment log (one write, one
   * fsync), then memory, then the listeners. A failed write (StorageError, 507 on a full disk)
   * changes nothing. Unknown task ids are skipped; tasks whose assignees are the same are left out.
   * Returns the changes made. Serialized with itself.
   */
  setAssignees(changes: ReadonlyMap<string, readonly string[]>): Promise<TaskChange[]> {
    let queue = this.queues.get(this.assignments.file)
    if (!queue) this.queues.set(this.assignments.file, (queue = new WriteQueue()))
    return queue.run(async () => {
      const at = new Date().toISOString()
      const batch: AssignmentEntry[] = []
      for (const [id, assignees] of changes) {
        const current = this.taskDbs.get(id)?.data
        if (!current || sameList(current.assignees, assignees)) continue
        batch.push({ task: id, assignees: [...assignees], at })
      }
      this.assignments.append(batch)
      const made: TaskChange[] = []
      for (const entry of batch) {
        const db = this.taskDbs.get(entry.task)!
        const before = db.data
        db.data = { ...before, assignees: entry.assignees, updatedAt: at }
        made.push({ before, after: db.data })
      }
      this.tasksChanged(made)
      if (this.assignments.wantsCompaction) {
        try {
          await this.assignments.compact((id) => this.taskDbs.get(id)?.data?.assignees)
        } catch {
          // the log as it is stays correct; compaction is tried again after the next batch
        }
      }
      return made
    })
  }

  /** Entries in the assignment log and tasks it names (tests and benchmarks). */
  get assignmentLogSize(): { entries: number; tasks: number } {
    return this.assignments.size
  }

  /** Applies `change` to a copy of a stored task, writes it, then serves the copy. */
  async updateTask(id: string, change: (task: Task) => void): Promise<Task> {
    const db = this.taskDbs.get(id)
    if (!db) throw new Error(`no task ${id}`)
    let before: Task | undefined
    const task = await this.commit(db, (data) => {
      before = data
      const next = structuredClone(data)
      change(next)
      next.updatedAt = new Date().toISOString()
      return next
    })
    this.tasksChanged([{ before, after: task }])
    return task
  }

  /**
   * `updateTask` for a change already made durable elsewhere (a finalize, committed by its audit
   * line): when the task file cannot be written, memory takes the change anyway, `onUnsaved` is
   * told, and start-up recovery rewrites the file from that commit.
   */
  async updateTaskCommitted(id: string, change: (task: Task) => void, onUnsaved: (err: unknown) => void): Promise<Task> {
    const db = this.taskDbs.get(id)
    if (!db) throw new Error(`no task ${id}`)
    let before: Task | undefined
    const next = (data: Task) => {
      before = data
      const copy = structuredClone(data)
      change(copy)
      copy.updatedAt = new Date().toISOString()
      return copy
    }
    const task = await this.commit(db, next, onUnsaved)
    this.tasksChanged([{ before, after: task }])
    return task
  }

  /**
   * The one write path: `change` builds the next content from the latest committed one, the file
   * is written, and only then does memory hold it. Serialized per file.
   */
  private commit<T>(db: Low<T>, change: (data: T) => T, onUnsaved?: (err: unknown) => void): Promise<T> {
    const file = (db.adapter as RecordFile<T>).file
    let queue = this.queues.get(file)
    if (!queue) this.queues.set(file, (queue = new WriteQueue()))
    return queue.run(async () => {
      const previous = db.data
      let next = change(previous)
      try {
        await db.adapter.write(next)
      } catch (err) {
        if (!onUnsaved) throw err
        onUnsaved(err)
      }
      next = keepAssignees(previous, db.data, next)
      db.data = next
      return next
    })
  }

  private taskFile(id: string): string {
    return path.join(this.dir, 'tasks', `${id}.json`)
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/**
 * A task write that began before `setAssignees` changed the task's assignees must not put the old
 * ones back: the assignees memory holds now (the log's) win over the ones the write started from.
 */
function keepAssignees<T>(previous: T, current: T, next: T): T {
  if (previous === current || !isTask(previous) || !isTask(current) || !isTask(next)) return next
  if (current.assignees === previous.assignees || !sameList(next.assignees, previous.assignees)) return next
  return { ...next, assignees: current.assignees }
}

function isTask(value: unknown): value is Task {
  return typeof value === 'object' && value !== null && Array.isArray((value as Task).assignees)
}
