/**
 * The records every route, service and room rule reads and writes (users, batches, tasks and their
 * assignees), as one interface: the file store (db.ts) and the PostgreSQL store
 * (postgres/pgDb.ts) both satisfy it, and callers type against it, never against either class.
 *
 * Reads are synchronous (memory); writes resolve once the write is stored, and memory holds it
 * from then on. A write that rejects changed nothing callers can read.
 */
import type { Batch, Task, User } from '../../shared/types'

/** A user as stored: the token only as its hash. */
export interface StoredUser extends User {
  tokenHash: string
}

/** One stored task's change: `before` is undefined for a task just added. */
export interface TaskChange {
  before: Task | undefined
  after: Task
}

/**
 * An import's tasks on their way in: `add` stages them as the body arrives, `commit` makes them
 * durable (from then on they exist, also after a crash), `serve` makes a committed import visible
 * where the store has not already, and `takeBack` undoes a committed import whose batch could not
 * be written. `discard` drops a staged import that never committed (a no-op after `commit`).
 */
export interface TaskImport {
  add(task: Task): void
  /** Rejects with TaskIdsTakenError when another instance stored one of the ids meanwhile. */
  commit(): Promise<CommittedImport>
  discard(): void
}

/**
 * An import's commit found task ids that another instance stored meanwhile (records shared by
 * several instances); nothing of the import was kept. The import answers with a conflict.
 */
export class TaskIdsTakenError extends Error {
  constructor(readonly ids: readonly string[]) {
    super(`task ids stored meanwhile by another instance: ${ids.map((id) => JSON.stringify(id)).join(', ')}`)
    this.name = 'TaskIdsTakenError'
  }
}

export interface CommittedImport {
  /** Serves the committed tasks (memory and the task listeners) where the commit did not already. */
  serve(): void
  /** Takes the committed tasks back: the import did not happen. */
  takeBack(): Promise<void>
}

export interface RecordsDb {
  /** The instance's own data directory (local files: demo links, rooms on disk, staging). */
  readonly dir: string
  /** What opening or following the records found worth a warning in the log. */
  readonly notices: readonly string[]

  onTasksChanged(listener: (changes: readonly TaskChange[]) => void): () => void

  readonly users: readonly StoredUser[]
  userByTokenHash(hash: string): StoredUser | undefined
  userById(id: string): StoredUser | undefined
  addUser(user: StoredUser): Promise<void>
  /** The users list becomes `next`: users missing from it are removed, the others stored as given. */
  replaceUsers(next: StoredUser[]): Promise<void>

  readonly batches: Batch[]
  batch(name: string): Batch | undefined
  addBatchIfMissing(batch: Batch): Promise<Batch>
  putBatch(batch: Batch): Promise<void>

  task(id: string): Task | undefined
  readonly tasks: Task[]
  hasTask(id: string): boolean
  addTasks(tasks: Task[]): Promise<void>
  /** Starts an import (see TaskImport). */
  stageImport(): TaskImport
  setAssignees(changes: ReadonlyMap<string, readonly string[]>): Promise<TaskChange[]>
  /** `change` may run more than once (on the latest task each time): keep it free of side effects. */
  updateTask(id: string, change: (task: Task) => void): Promise<Task>
  updateTaskCommitted(id: string, change: (task: Task) => void, onUnsaved: (err: unknown) => void): Promise<Task>
}
