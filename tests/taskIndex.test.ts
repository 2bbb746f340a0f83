/** The list's index stays equal to a fresh sort and filter of the stored tasks, through small and bulk changes. */
import fs from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Db } from '../server/storage/db'
import type { TaskChange } from '../server/storage/db'
import { STATUSES, TaskIndex } from '../server/services/taskIndex'
import { listTasks } from '../server/services/taskList'
import type { Task } from '../shared/types'
import { tempDir } from './helpers/server'

const test = suite('task index')
const dirs: string[] = []
test.after.each(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** A seeded PRNG; the seed is printed when a check fails. */
function prng(seed: number) {
  let s = seed
  return () => (s = (s * 16807) % 2147483647) / 2147483647
}

function task(i: number, rnd: () => number): Task {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(rnd() * 50))).toISOString()
  return {
    id: `t${i}`,
    prompt: `Task ${i} ${rnd() < 0.3 ? 'Merge' : 'parse'} things`,
    language: 'python',
    candidates: [{ id: 'a', code: 'x = 1\n' }, { id: 'b', code: 'x = 2\n' }],
    batch: `b${Math.floor(rnd() * 3)}`,
    status: 'open',
    revision: 1,
    assignees: [],
    createdAt: at,
    updatedAt: at,
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const EXPECTED_ORDER = {
  created: (a: Task, b: Task) => cmp(a.batch, b.batch) || cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id),
  updated: (a: Task, b: Task) => cmp(a.updatedAt, b.updatedAt) || cmp(a.id, b.id),
  id: (a: Task, b: Task) => cmp(a.id, b.id),
} as const

/** The index against brute force over `db.tasks`: orders, assignee sets, status and filtered pages. */
function assertMatches(db: Db, index: TaskIndex, seed: number) {
  const tasks = db.tasks
  for (const order of ['created', 'updated', 'id'] as const) {
    const want = [...tasks].sort(EXPECTED_ORDER[order]).map((t) => t.id)
    assert.equal(index.order(order).map((slot) => index.at(slot).id), want, `seed ${seed}: ${order} order`)
  }
  for (const user of ['u1', 'u2', 'u3']) {
    const want = tasks.filter((t) => t.assignees.includes(user)).map((t) => t.id).sort()
    assert.equal([...index.assignedTo(user)].map((slot) => index.at(slot).id).sort(), want, `seed ${seed}: ${user}'s tasks`)
  }
  for (const t of tasks) assert.is(STATUSES[index.statusColumn[index.entry(t.id)!.slot]], t.status, `seed ${seed}: status of ${t.id}`)
  const query = { batch: 'b1', assignee: 'u2', q: 'merge', sort: '-updated' as const, limit: 7 }
  const want = tasks
    .filter((t) => t.batch === 'b1' && t.assignees.includes('u2') && /merge/i.test(t.prompt as string))
    .sort((a, b) => EXPECTED_ORDER.updated(b, a))
    .map((t) => t.id)
  const got: string[] = []
  let cursor: string | undefined
  for (;;) {
    const page = listTasks(index, { id: 'lead', role: 'lead' }, { ...query, ...(cursor ? { cursor } : {}) })
    assert.is(page.total, want.length, `seed ${seed}: total`)
    got.push(...page.tasks.map((t) => t.id))
    if (!page.next_cursor) break
    cursor = page.next_cursor
  }
  assert.equal(got, want, `seed ${seed}: a filtered walk`)
}

test('stays equal to a fresh sort through small changes, bulk changes and additions', async () => {
  const seed = 1 + Math.floor(Math.random() * 1e6)
  const rnd = prng(seed)
  const dir = tempDir()
  dirs.push(dir)
  const db = await Db.open(dir)
  let n = 0
  await db.addTasks(Array.from({ length: 300 }, () => task(n++, rnd)))
  const index = TaskIndex.of(db)
  assertMatches(db, index, seed)
  // Bulk: what a batched assignment reports, many changes in one listener call.
  const tell = (changes: TaskChange[]) => (db as unknown as { tasksChanged(c: TaskChange[]): void }).tasksChanged(changes)
  for (const size of [200, 5, 150, 1]) {
    const changes: TaskChange[] = []
    for (const before of db.tasks.filter(() => rnd() < size / 300).slice(0, size)) {
      const after: Task = {
        ...before,
        status: STATUSES[Math.floor(rnd() * STATUSES.length)],
        assignees: ['u1', 'u2', 'u3'].filter(() => rnd() < 0.5),
        updatedAt: new Date(Date.UTC(2026, 0, 2, 0, 0, Math.floor(rnd() * 50))).toISOString(),
      }
      // The stored state changes first, then listeners hear of it (Db's order).
      ;(db as unknown as { taskDbs: Map<string, { data: Task }> }).taskDbs.get(before.id)!.data = after
      changes.push({ before, after })
    }
    tell(changes)
    assertMatches(db, index, seed)
  }
  // Additions through the real write path, few and many.
  await db.addTasks(Array.from({ length: 3 }, () => task(n++, rnd)))
  assertMatches(db, index, seed)
  await db.addTasks(Array.from({ length: 120 }, () => task(n++, rnd)))
  assertMatches(db, index, seed)
  await db.updateTask('t7', (t) => {
    t.status = 'submitted'
    t.assignees = ['u2']
  })
  assertMatches(db, index, seed)
})

test.run()
