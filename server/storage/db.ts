/**
 * The records of codejury on lowdb: one `Low` per file, and files kept small. Users and batches
 * are small and live in one file each; every task has its own file, so a change to one task
 * rewrites a few kilobytes, whatever the number of tasks.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Low } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import type { Batch, Task, User } from '../../shared/types'

/** A user as stored: the token only as its hash. */
export interface StoredUser extends User {
  tokenHash: string
}

interface UsersFile {
  users: StoredUser[]
}
interface BatchesFile {
  batches: Batch[]
}

async function openFile<T>(file: string, defaults: T): Promise<Low<T>> {
  const db = new Low<T>(new JSONFile<T>(file), defaults)
  await db.read()
  return db
}

/** The lowdb instances of one data directory, with the in-memory indexes the routes need. */
export class Db {
  private constructor(
    readonly dir: string,
    private readonly usersDb: Low<UsersFile>,
    private readonly batchesDb: Low<BatchesFile>,
    private readonly taskDbs: Map<string, Low<Task>>,
  ) {
    for (const u of usersDb.data.users) this.byTokenHash.set(u.tokenHash, u)
  }

  private readonly byTokenHash = new Map<string, StoredUser>()

  static async open(dataDir: string): Promise<Db> {
    const tasksDir = path.join(dataDir, 'tasks')
    fs.mkdirSync(tasksDir, { recursive: true })
    const users = await openFile<UsersFile>(path.join(dataDir, 'users.json'), { users: [] })
    const batches = await openFile<BatchesFile>(path.join(dataDir, 'batches.json'), { batches: [] })
    const taskDbs = new Map<string, Low<Task>>()
    for (const name of fs.readdirSync(tasksDir)) {
      if (!name.endsWith('.json')) continue
      const db = await openFile<Task>(path.join(tasksDir, name), null as unknown as Task)
      if (db.data && typeof db.data.id === 'string') taskDbs.set(db.data.id, db)
    }
    return new Db(dataDir, users, batches, taskDbs)
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
    this.usersDb.data.users.push(user)
    this.byTokenHash.set(user.tokenHash, user)
    await this.usersDb.write()
  }

  /**
   * Replaces the users list with `next` (removal, a new token hash, a new role): the file is
   * written first, and memory and the token index change only once it is stored.
   */
  async replaceUsers(next: StoredUser[]): Promise<void> {
    const before = this.usersDb.data
    this.usersDb.data = { ...before, users: next }
    try {
      await this.usersDb.write()
    } catch (err) {
      this.usersDb.data = before
      throw err
    }
    this.byTokenHash.clear()
    for (const u of next) this.byTokenHash.set(u.tokenHash, u)
  }


  // Batches

  batch(name: string): Batch | undefined {
    return this.batchesDb.data.batches.find((b) => b.name === name)
  }


  async putBatch(batch: Batch): Promise<void> {
    const list = this.batchesDb.data.batches
    const i = list.findIndex((b) => b.name === batch.name)
    if (i >= 0) list[i] = batch
    else list.push(batch)
    await this.batchesDb.write()
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

  /** Writes new tasks, all or none: if one write fails, the ones written are removed. */
  async addTasks(tasks: Task[]): Promise<void> {
    const written: string[] = []
    try {
      for (const task of tasks) {
        const file = this.taskFile(task.id)
        const db = new Low<Task>(new JSONFile<Task>(file), task)
        await db.write()
        written.push(task.id)
        this.taskDbs.set(task.id, db)
      }
    } catch (err) {
      for (const id of written) {
        this.taskDbs.delete(id)
        fs.rmSync(this.taskFile(id), { force: true })
      }
      throw err
    }
  }

  /** Applies `change` to a stored task and writes its file. */
  async updateTask(id: string, change: (task: Task) => void): Promise<Task> {
    const db = this.taskDbs.get(id)
    if (!db) throw new Error(`no task ${id}`)
    change(db.data)
    db.data.updatedAt = new Date().toISOString()
    await db.write()
    return db.data
  }

  private taskFile(id: string): string {
    return path.join(this.dir, 'tasks', `${id}.json`)
  }
}
