/**
 * The records (users, batches, tasks with their assignees) in PostgreSQL, shared by every
 * instance on one database: one document per record in record_docs (PG_DB_KINDS), kept in memory
 * by the records feed. Reads are synchronous, from memory. A write is stored in PostgreSQL first
 * (a compare-and-set against the version memory holds, built again on the latest state when
 * another instance won: casWrite.ts), and memory changes only when the feed brings the write back,
 * so every instance, the writer included, sees the same change and tells its task listeners the
 * same before/after. A write that rejects stored nothing and changed no memory, except: a catch-up
 * failing after the store (the write stands and arrives with the next catch-up), a bulk add whose
 * take-back failed too (pgDbTasks.ts), and `replaceUsers`, whose removals follow its stores.
 *
 * Assignees live in the task document: an assignment and a task change are writes to one record,
 * so neither can put back what the other replaced.
 */
import { DEFAULT_RUN_TIMEOUT_MS } from '../../../shared/types'
import type { Batch, Task } from '../../../shared/types'
import { storedTaskProblem } from '../../../shared/validation'
import type { RecordsDb, StoredUser, TaskChange, TaskImport } from '../recordsDb'
import type { DocWrite, PostgresRecordDocs } from './recordDocs'
import type { RecordFeed } from './recordFeed'
import { rebaseFields, sameJson, withRetry } from './casWrite'
import { PG_DB_KINDS, PgDbMemory } from './pgDbMemory'
import { addTaskChunks, stageTaskImport } from './pgDbTasks'

export interface PgDbOptions {
  /** The instance's own data directory: local files only (demo links, staging, room files). */
  dataDir: string
  /** A document the feed brought was not a record of its kind (also kept in `notices`). */
  onNotice?: (notice: string) => void
  /** An unsaved committed task change failed again in the background (it keeps retrying). */
  onRetryError?: (err: unknown, taskId: string) => void
}

/** First and longest wait between background retries of a committed task change. */
const RETRY_FIRST_MS = 500
const RETRY_MAX_MS = 30_000

export class PgDb implements RecordsDb {
  readonly dir: string
  private readonly memory: PgDbMemory
  private readonly taskListeners = new Set<(changes: readonly TaskChange[]) => void>()
  private readonly retries = new Set<NodeJS.Timeout>()
  private closed = false

  private constructor(
    private readonly docs: PostgresRecordDocs,
    private readonly feed: RecordFeed,
    private readonly options: PgDbOptions,
  ) {
    this.dir = options.dataDir
    this.memory = new PgDbMemory(
      feed,
      (changes) => this.tasksChanged(changes),
      options.onNotice,
      (ids) => {
        for (const listener of this.userListeners) listener(ids)
      },
    )
  }

  /**
   * Registers the user, batch and task kinds on `feed`, which must not have started: the caller
   * opens every store on one feed, then starts it; the records are served once `feed.start()`
   * resolved (before that, memory is empty). Listeners added before the start hear the loaded
   * tasks as added.
   */
  static open(docs: PostgresRecordDocs, feed: RecordFeed, options: PgDbOptions): PgDb {
    if (feed.docs !== docs) throw new RangeError('PgDb needs the feed of the records store it writes to')
    return new PgDb(docs, feed, options)
  }

  /** Documents the feed refused (changed outside codejury), one line each. */
  get notices(): readonly string[] {
    return this.memory.notices
  }

  private readonly userListeners = new Set<(ids: readonly string[]) => void>()

  /** Calls `listener` with the ids of users whose stored record changed, on every instance, once memory holds it. */
  onUsersChanged(listener: (ids: readonly string[]) => void): () => void {
    this.userListeners.add(listener)
    return () => this.userListeners.delete(listener)
  }

  onTasksChanged(listener: (changes: readonly TaskChange[]) => void): () => void {
    this.taskListeners.add(listener)
    return () => this.taskListeners.delete(listener)
  }

  private tasksChanged(changes: readonly TaskChange[]): void {
    if (!changes.length) return
    for (const listener of this.taskListeners) {
      try {
        listener(changes)
      } catch {
        // a listener's failure is its own; the write already happened
      }
    }
  }

  /** Stops background retries; the records store and the feed belong to the caller. */
  close(): void {
    this.closed = true
    for (const timer of this.retries) clearTimeout(timer)
    this.retries.clear()
  }

  // Users

  get users(): readonly StoredUser[] {
    return this.memory.userListView
  }

  userByTokenHash(hash: string): StoredUser | undefined {
    return this.memory.byTokenHash.get(hash)
  }

  userById(id: string): StoredUser | undefined {
    return this.memory.users.get(id)?.body
  }

  /** Adds a user whose id is new (VersionConflictError when another instance took it). */
  async addUser(user: StoredUser): Promise<void> {
    await this.feed.reach(await this.docs.put(PG_DB_KINDS.user, user.id, user, 0))
  }

  /**
   * The users become `next`: each user that differs from what memory held is stored with the
   * fields the caller changed (rebased onto the latest version, so another instance's change to
   * other fields stays), all in one transaction; then each user missing from `next` is removed.
   * A user another instance added meanwhile is not in memory's list, so it stays.
   */
  async replaceUsers(next: StoredUser[]): Promise<void> {
    const original = new Map([...this.memory.users].map(([id, held]) => [id, held.body]))
    const wanted = new Map<string, StoredUser>()
    for (const user of next) {
      if (wanted.has(user.id)) throw new RangeError(`replaceUsers: user ${JSON.stringify(user.id)} is given twice`)
      wanted.set(user.id, user)
    }
    const changed = [...wanted.values()].filter((u) => !sameJson(original.get(u.id), u))
    if (changed.length) {
      await withRetry(this.feed, async () => {
        const writes: DocWrite[] = changed.map((u) => {
          const latest = this.memory.users.get(u.id)
          const body = rebaseFields(original.get(u.id), u, latest?.body)
          return { kind: PG_DB_KINDS.user, key: u.id, body, expectVersion: latest?.version ?? 0 }
        })
        await this.feed.reach(Math.max(...(await this.docs.putMany(writes))))
      })
    }
    for (const id of original.keys()) {
      if (wanted.has(id)) continue
      await withRetry(this.feed, async () => {
        const latest = this.memory.users.get(id)
        if (!latest) return
        const version = await this.docs.remove(PG_DB_KINDS.user, id, latest.version)
        if (version !== null) await this.feed.reach(version)
      })
    }
  }

  // Batches

  get batches(): Batch[] {
    return this.memory.batchListView.map((b) => this.batch(b.name)!)
  }

  batch(name: string): Batch | undefined {
    const batch = this.memory.batches.get(name)?.body
    // Batches written before `blind` and `run_timeout_ms` existed read as open-label, 5 s.
    const stored: Partial<Batch> | undefined = batch
    return batch && { ...batch, blind: stored?.blind ?? false, run_timeout_ms: stored?.run_timeout_ms ?? DEFAULT_RUN_TIMEOUT_MS }
  }

  /** Adds `batch` unless a batch of its name exists on any instance; returns the stored one. */
  async addBatchIfMissing(batch: Batch): Promise<Batch> {
    await withRetry(this.feed, async () => {
      if (this.memory.batches.has(batch.name)) return
      await this.feed.reach(await this.docs.put(PG_DB_KINDS.batch, batch.name, batch, 0))
    })
    return this.batch(batch.name)!
  }

  /** Stores `batch`: the fields that differ from what memory held, on the latest version. */
  async putBatch(batch: Batch): Promise<void> {
    const original = this.memory.batches.get(batch.name)?.body
    await withRetry(this.feed, async () => {
      const latest = this.memory.batches.get(batch.name)
      const body = rebaseFields(original, batch, latest?.body)
      await this.feed.reach(await this.docs.put(PG_DB_KINDS.batch, batch.name, body, latest?.version ?? 0))
    })
  }

  // Tasks

  task(id: string): Task | undefined {
    return this.memory.tasks.get(id)?.body
  }

  get tasks(): Task[] {
    return [...this.memory.tasks.values()].map((held) => held.body)
  }

  hasTask(id: string): boolean {
    return this.memory.tasks.has(id)
  }

  /**
   * Stores new tasks (ids no instance has) in chunks of one transaction each (pgDbTasks.ts); each
   * chunk is served, on every instance, once it commits. A chunk that fails takes back the chunks
   * before it and rejects.
   */
  async addTasks(tasks: Task[]): Promise<void> {
    await addTaskChunks(this.docs, this.feed, tasks)
  }

  /** An import staged in memory, stored by `commit` as `addTasks` stores (served as it commits). */
  stageImport(): TaskImport {
    return stageTaskImport(this.docs, this.feed)
  }

  /**
   * Gives each task in `changes` its new assignees in one transaction (all or none), each a
   * compare-and-set on the task's document; a conflict builds the whole batch again on the latest
   * tasks. Unknown ids and unchanged assignees are left out. Returns the changes made.
   */
  async setAssignees(changes: ReadonlyMap<string, readonly string[]>): Promise<TaskChange[]> {
    return withRetry(this.feed, async () => {
      const at = new Date().toISOString()
      const made: TaskChange[] = []
      const writes: DocWrite[] = []
      for (const [id, assignees] of changes) {
        const held = this.memory.tasks.get(id)
        if (!held || sameList(held.body.assignees, assignees)) continue
        const after: Task = { ...held.body, assignees: [...assignees], updatedAt: at }
        made.push({ before: held.body, after })
        writes.push({ kind: PG_DB_KINDS.task, key: id, body: after, expectVersion: held.version })
      }
      if (writes.length) await this.feed.reach(Math.max(...(await this.docs.putMany(writes))))
      return made
    })
  }

  /** Applies `change` to a copy of the latest stored task, stores it, and returns it. */
  async updateTask(id: string, change: (task: Task) => void): Promise<Task> {
    return withRetry(this.feed, async () => {
      const held = this.memory.tasks.get(id)
      if (!held) throw new Error(`no task ${id}`)
      const next = changed(held.body, change)
      await this.feed.reach(await this.docs.put(PG_DB_KINDS.task, id, next, held.version))
      return next
    })
  }

  /**
   * `updateTask` for a change already made durable elsewhere (a finalize, committed by its
   * record): when it cannot be stored, `onUnsaved` is told, the changed task is returned, and the
   * change is retried in the background until it is stored (then memory and every instance take
   * it, as for any write). Memory never holds what PostgreSQL does not.
   */
  async updateTaskCommitted(id: string, change: (task: Task) => void, onUnsaved: (err: unknown) => void): Promise<Task> {
    try {
      return await this.updateTask(id, change)
    } catch (err) {
      const held = this.memory.tasks.get(id)
      if (!held || err instanceof RangeError) throw err
      const next = changed(held.body, change)
      onUnsaved(err)
      this.retryLater(id, change, RETRY_FIRST_MS)
      return next
    }
  }

  private retryLater(id: string, change: (task: Task) => void, waitMs: number): void {
    if (this.closed) return
    const timer = setTimeout(() => {
      this.retries.delete(timer)
      this.updateTask(id, change).catch((err) => {
        this.options.onRetryError?.(err, id)
        this.retryLater(id, change, Math.min(waitMs * 2, RETRY_MAX_MS))
      })
    }, waitMs)
    timer.unref()
    this.retries.add(timer)
  }
}

/**
 * A changed copy of `task`, stamped now; a change that leaves no valid task is refused here
 * (RangeError), since every instance's feed would leave that document out.
 */
function changed(task: Task, change: (task: Task) => void): Task {
  const next = structuredClone(task)
  change(next)
  next.updatedAt = new Date().toISOString()
  const problem = storedTaskProblem(next)
  if (problem) throw new RangeError(`task ${JSON.stringify(task.id)}: the change ${problem.replace(/^is /, 'makes it ')}`)
  if (next.id !== task.id) throw new RangeError(`task ${JSON.stringify(task.id)}: a change cannot give it another id`)
  return next
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
