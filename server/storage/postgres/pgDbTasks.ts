/**
 * New tasks into PostgreSQL in chunks: each chunk is one transaction (all or none) of
 * compare-and-sets that the id is new, so the documents' version lock (recordWrites.ts) is never
 * held for a whole large import and other instances' writes go on between chunks. Each chunk is
 * served (memory, task listeners, on every instance) once it commits. A chunk that fails takes
 * back the chunks before it (a tombstone per task, one transaction each) and the call rejects:
 * 100,000 tasks are 100 transactions of 1,000, appearing a chunk at a time, and a failure at
 * chunk 37 removes the 36,000 stored before it, unless the database is gone too (then they stay,
 * served: the import is not all-or-none across chunks, only within one).
 */
import type { Task } from '../../../shared/types'
import { storedTaskProblem } from '../../../shared/validation'
import { TaskIdsTakenError } from '../recordsDb'
import type { CommittedImport, TaskImport } from '../recordsDb'
import { VersionConflictError } from './recordDocs'
import type { PostgresRecordDocs } from './recordDocs'
import type { RecordFeed } from './recordFeed'
import { PG_DB_KINDS } from './pgDbMemory'

/** Tasks per transaction when adding many. */
export const ADD_TASKS_CHUNK = 1_000

/**
 * Stores `tasks`, none of whose ids may exist (VersionConflictError otherwise, nothing kept);
 * resolves with their versions in order once memory holds them all.
 */
export async function addTaskChunks(docs: PostgresRecordDocs, feed: RecordFeed, tasks: readonly Task[]): Promise<number[]> {
  const ids = new Set<string>()
  for (const task of tasks) {
    const problem = storedTaskProblem(task)
    if (problem) throw new RangeError(`task ${JSON.stringify((task as Partial<Task>)?.id)} ${problem}`)
    if (ids.has(task.id)) throw new RangeError(`task ${JSON.stringify(task.id)} is given twice`)
    ids.add(task.id)
  }
  const stored: { id: string; version: number }[] = []
  try {
    for (let from = 0; from < tasks.length; from += ADD_TASKS_CHUNK) {
      const chunk = tasks.slice(from, from + ADD_TASKS_CHUNK)
      const versions = await docs.putMany(chunk.map((t) => ({ kind: PG_DB_KINDS.task, key: t.id, body: t, expectVersion: 0 })))
      chunk.forEach((t, i) => stored.push({ id: t.id, version: versions[i] }))
      await feed.reach(Math.max(...versions))
    }
  } catch (err) {
    try {
      await removeTasks(docs, feed, stored)
    } catch {
      // the chunks stored stay: the rejection below is the caller's answer either way
    }
    throw err
  }
  return stored.map((s) => s.version)
}

/**
 * Takes back tasks this instance stored (each only while still at the version it stored: a task
 * someone changed since is kept) and resolves once memory no longer holds them.
 */
export async function removeTasks(docs: PostgresRecordDocs, feed: RecordFeed, stored: readonly { id: string; version: number }[]): Promise<void> {
  let last = 0
  for (const { id, version } of stored) {
    try {
      last = Math.max(last, (await docs.remove(PG_DB_KINDS.task, id, version)) ?? 0)
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'version-conflict') throw err
    }
  }
  if (last) await feed.reach(last)
}

/**
 * An import staged in memory and stored by `commit` as addTaskChunks stores (served as each chunk
 * commits, so `serve` has nothing left to do); an id another instance stored meanwhile rejects
 * the commit with TaskIdsTakenError, nothing kept.
 */
export function stageTaskImport(docs: PostgresRecordDocs, feed: RecordFeed): TaskImport {
  let tasks: Task[] = []
  return {
    add: (task) => {
      tasks.push(task)
    },
    commit: async (): Promise<CommittedImport> => {
      let versions: number[]
      try {
        versions = await addTaskChunks(docs, feed, tasks)
      } catch (err) {
        if (err instanceof VersionConflictError && err.kind === PG_DB_KINDS.task) throw new TaskIdsTakenError([err.key])
        throw err
      }
      const stored = tasks.map((t, i) => ({ id: t.id, version: versions[i] }))
      tasks = []
      return { serve: () => {}, takeBack: () => removeTasks(docs, feed, stored) }
    },
    discard: () => {
      tasks = []
    },
  }
}
