/**
 * Gold tasks: `DATA_DIR/gold.json` (0600), the true ranking of each task the lead marked as gold.
 * Kept apart from the task files on purpose: nothing that serves a task (detail, lists, rooms,
 * events, caches) ever reads this file, so gold cannot reach an annotator or a reviewer. A write
 * replaces the file whole (durableFile.ts) before memory changes; a failed write (a full disk:
 * StorageError, 507) leaves file and memory as they were.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ensureDir, replaceFile } from './durableFile'

/** One gold task: its true ranking (the rooms' candidate ids, best first), who set it and how. */
export interface GoldEntry {
  task: string
  ranking: string[]
  by: string
  by_name: string
  at: string
  /** `ranking`: given in the request; `record`: taken from the latest finalized record. */
  source: 'ranking' | 'record'
  /** The record's revision when `source` is `record`. */
  revision?: number
}

interface GoldFile {
  gold: GoldEntry[]
}

/**
 * Gold tasks as the server uses them: reads answer from memory, a write is stored before it is
 * served. Callers type against this, so the file store and the PostgreSQL store are interchangeable.
 */
export interface Gold {
  get(taskId: string): GoldEntry | undefined
  has(taskId: string): boolean
  /** The ids of every gold task. */
  taskIds(): Set<string>
  /** Marks (or re-marks) a task as gold, stored before it is served. */
  set(entry: GoldEntry): Promise<void>
  /** Unmarks a task; resolves to whether it was gold. */
  delete(taskId: string): Promise<boolean>
}

/** Whether a stored value has a gold entry's shape; anything else is skipped on load. */
export function isGoldEntry(x: unknown): x is GoldEntry {
  if (!x || typeof x !== 'object') return false
  const e = x as Record<string, unknown>
  return (
    typeof e.task === 'string' &&
    Array.isArray(e.ranking) &&
    e.ranking.every((id) => typeof id === 'string') &&
    typeof e.by === 'string' &&
    typeof e.at === 'string'
  )
}

/** The gold file of one DATA_DIR; writes one after another, each durable before it is served. */
export class GoldStore implements Gold {
  private entries = new Map<string, GoldEntry>()
  private tail: Promise<unknown> = Promise.resolve()
  private readonly file: string

  private constructor(dataDir: string) {
    this.file = path.join(dataDir, 'gold.json')
  }

  /** Reads `gold.json` (none yet: no gold); a file that is not valid JSON stops the start. */
  static open(dataDir: string): GoldStore {
    ensureDir(dataDir)
    const store = new GoldStore(dataDir)
    let text: string
    try {
      text = fs.readFileSync(store.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store
      throw err
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      throw new Error(`${store.file} is not valid JSON (${(err as Error).message}); restore it from a backup or move it away`)
    }
    const list = (parsed as Partial<GoldFile> | null)?.gold
    for (const e of Array.isArray(list) ? list : []) if (isGoldEntry(e)) store.entries.set(e.task, e)
    return store
  }

  get(taskId: string): GoldEntry | undefined {
    return this.entries.get(taskId)
  }

  has(taskId: string): boolean {
    return this.entries.has(taskId)
  }

  /** The ids of every gold task. */
  taskIds(): Set<string> {
    return new Set(this.entries.keys())
  }

  /** Marks (or re-marks) a task as gold, stored before it is served. */
  set(entry: GoldEntry): Promise<void> {
    return this.write((next) => next.set(entry.task, entry))
  }

  /** Unmarks a task; returns whether it was gold. */
  async delete(taskId: string): Promise<boolean> {
    let had = false
    await this.write((next) => {
      had = next.delete(taskId)
    })
    return had
  }

  private write(change: (next: Map<string, GoldEntry>) => void): Promise<void> {
    const run = async () => {
      const next = new Map(this.entries)
      change(next)
      const data: GoldFile = { gold: [...next.values()] }
      await replaceFile(this.file, JSON.stringify(data))
      this.entries = next
    }
    const done = this.tail.then(run, run)
    this.tail = done.catch(() => undefined)
    return done
  }
}
