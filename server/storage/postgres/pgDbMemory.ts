/**
 * What one instance holds of the PostgreSQL records PgDb serves: users, batches and tasks (with
 * their assignees), each with the version it was stored at, changed only by the records feed, so
 * a local write and another instance's write change it the same way. A task document that
 * changes is told to the task listeners with what memory held before it.
 *
 * A document that is not a record of its kind (changed outside codejury) is left out with a
 * notice; memory keeps what it held for that key.
 */
import type { Batch, Task } from '../../../shared/types'
import { storedTaskProblem } from '../../../shared/validation'
import type { StoredUser, TaskChange } from '../recordsDb'
import type { StoredDoc } from './recordDocs'
import type { RecordFeed } from './recordFeed'

/** The document kinds PgDb stores: one document per user (key: id), batch (name), task (id). */
export const PG_DB_KINDS = { user: 'user', batch: 'batch', task: 'task' } as const

/** A record and the version its document was stored at. */
export interface Held<T> {
  body: T
  version: number
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function userProblem(body: unknown, key: string): string | null {
  if (!isObject(body)) return 'is not an object'
  for (const field of ['id', 'name', 'role', 'tokenHash']) {
    if (typeof body[field] !== 'string') return `has no string "${field}"`
  }
  return body.id === key ? null : 'holds another id'
}

function batchProblem(body: unknown, key: string): string | null {
  if (!isObject(body) || typeof body.name !== 'string') return 'has no string "name"'
  return body.name === key ? null : 'holds another name'
}

function taskProblem(body: unknown, key: string): string | null {
  const problem = storedTaskProblem(body)
  if (problem) return problem
  return (body as Task).id === key ? null : 'holds another id'
}

/** Records in creation order, then by key: the same order on every instance. */
function byCreation<T extends { createdAt: string }>(held: Map<string, Held<T>>): T[] {
  return [...held.entries()]
    .sort(([ka, a], [kb, b]) => (a.body.createdAt < b.body.createdAt ? -1 : a.body.createdAt > b.body.createdAt ? 1 : ka < kb ? -1 : ka > kb ? 1 : 0))
    .map(([, h]) => h.body)
}

export class PgDbMemory {
  readonly users = new Map<string, Held<StoredUser>>()
  readonly byTokenHash = new Map<string, StoredUser>()
  readonly batches = new Map<string, Held<Batch>>()
  readonly tasks = new Map<string, Held<Task>>()
  readonly notices: string[] = []
  private userList: StoredUser[] | null = null
  private batchList: Batch[] | null = null

  constructor(
    feed: RecordFeed,
    private readonly tasksChanged: (changes: readonly TaskChange[]) => void,
    private readonly onNotice: (notice: string) => void = () => {},
    /** The ids of users whose records changed (another instance's role change, a new token…). */
    private readonly usersChanged: (ids: readonly string[]) => void = () => {},
  ) {
    feed.on(PG_DB_KINDS.user, (docs) => this.applyUsers(docs))
    feed.on(PG_DB_KINDS.batch, (docs) => this.applyBatches(docs))
    feed.on(PG_DB_KINDS.task, (docs) => this.applyTasks(docs))
  }

  /** Every user, in creation order (cached until a user document changes). */
  get userListView(): readonly StoredUser[] {
    return (this.userList ??= byCreation(this.users))
  }

  get batchListView(): readonly Batch[] {
    return (this.batchList ??= byCreation(this.batches))
  }

  private refused(doc: StoredDoc, problem: string): void {
    const notice = `record ${JSON.stringify(doc.kind)}/${JSON.stringify(doc.key)} (version ${doc.version}) ${problem}; it was left out`
    this.notices.push(notice)
    this.onNotice(notice)
  }

  private applyUsers(docs: readonly StoredDoc[]): void {
    const changed: string[] = []
    for (const doc of docs) {
      changed.push(doc.key)
      const problem = doc.removed ? null : userProblem(doc.body, doc.key)
      if (problem) {
        this.refused(doc, problem)
        continue
      }
      const old = this.users.get(doc.key)
      if (old && this.byTokenHash.get(old.body.tokenHash) === old.body) this.byTokenHash.delete(old.body.tokenHash)
      if (doc.removed) {
        this.users.delete(doc.key)
        continue
      }
      const user = doc.body as StoredUser
      this.users.set(doc.key, { body: user, version: doc.version })
      this.byTokenHash.set(user.tokenHash, user)
    }
    this.userList = null
    this.usersChanged(changed)
  }

  private applyBatches(docs: readonly StoredDoc[]): void {
    for (const doc of docs) {
      const problem = doc.removed ? null : batchProblem(doc.body, doc.key)
      if (problem) this.refused(doc, problem)
      else if (doc.removed) this.batches.delete(doc.key)
      else this.batches.set(doc.key, { body: doc.body as Batch, version: doc.version })
    }
    this.batchList = null
  }

  /**
   * A removed task (only a failed import takes tasks back) leaves memory without an event: a
   * TaskChange always has an `after`.
   */
  private applyTasks(docs: readonly StoredDoc[]): void {
    const changes: TaskChange[] = []
    for (const doc of docs) {
      const problem = doc.removed ? null : taskProblem(doc.body, doc.key)
      if (problem) {
        this.refused(doc, problem)
        continue
      }
      if (doc.removed) {
        this.tasks.delete(doc.key)
        continue
      }
      const before = this.tasks.get(doc.key)?.body
      const after = doc.body as Task
      this.tasks.set(doc.key, { body: after, version: doc.version })
      changes.push({ before, after })
    }
    this.tasksChanged(changes)
  }
}
