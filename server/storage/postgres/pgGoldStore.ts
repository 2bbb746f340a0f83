/**
 * Gold tasks in PostgreSQL, shared by every instance on one database: one document per gold task
 * (kind `gold`, key = the task id). Only this store follows that kind, so, as with the file,
 * nothing that serves a task ever holds a gold ranking. Each instance keeps the entries in memory
 * and memory changes only through the records feed: a mark or unmark on another instance shows
 * here after the next catch-up; one made here shows as soon as it resolves. Concurrent marks of
 * one task: the last to commit wins, as with two writes to the file.
 */
import { isGoldEntry } from '../goldStore'
import type { Gold, GoldEntry } from '../goldStore'
import type { StoredDoc } from './recordDocs'
import type { RecordFeed } from './recordFeed'

/** The record kind of a gold entry. */
export const GOLD_KIND = 'gold'

/**
 * The gold tasks of one database as one instance sees them. Construct it before `feed.start()`
 * (it registers its kind); it answers from memory once the feed has started.
 */
export class PgGoldStore implements Gold {
  private readonly entries = new Map<string, GoldEntry>()

  constructor(
    private readonly feed: RecordFeed,
    private readonly onError: (err: unknown) => void = (err) => console.error('codejury: a gold record was skipped:', err),
  ) {
    feed.on(GOLD_KIND, (docs) => this.apply(docs))
  }

  get(taskId: string): GoldEntry | undefined {
    return this.entries.get(taskId)
  }

  has(taskId: string): boolean {
    return this.entries.has(taskId)
  }

  taskIds(): Set<string> {
    return new Set(this.entries.keys())
  }

  async set(entry: GoldEntry): Promise<void> {
    if (!isGoldEntry(entry)) throw new TypeError('a gold entry needs a task id, a ranking of candidate ids, who set it and when')
    await this.feed.reach(await this.feed.docs.put(GOLD_KIND, entry.task, entry))
  }

  async delete(taskId: string): Promise<boolean> {
    const version = await this.feed.docs.remove(GOLD_KIND, taskId)
    if (version === null) return false
    await this.feed.reach(version)
    return true
  }

  /** The feed's changes of gold entries, from this instance and the others alike. */
  private apply(docs: readonly StoredDoc[]): void {
    for (const doc of docs) {
      if (doc.removed) {
        this.entries.delete(doc.key)
      } else if (isGoldEntry(doc.body) && doc.body.task === doc.key) {
        this.entries.set(doc.key, doc.body)
      } else {
        // Memory holds what the store holds: a record that is no gold entry is no gold.
        this.entries.delete(doc.key)
        this.onError(new Error(`gold record ${JSON.stringify(doc.key)} is not a gold entry of that task`))
      }
    }
  }
}
