/** The paged task list: keyset cursors, filters that combine, visibility, counts and refusals. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { api, createUser, importTasks, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { serverPerTest } from './helpers/perTest'
import type { TaskStatus } from '../shared/types'
import { against, runCliCaptured } from './helpers/cli'

const test = suite('task paging')
const fx = serverPerTest(test)

type Page = { tasks: { id: string; status: string }[]; total: number; next_cursor: string | null; counts: Record<string, number> }

const get = (server: TestServer, token: string, query: string) => api<Page>(server, token, 'GET', `/api/tasks${query}`)

/** Every page of `query`, following next_cursor; `between` runs after each page. */
async function walk(server: TestServer, token: string, query: string, between: (page: number) => Promise<void> = async () => {}) {
  const ids: string[] = []
  let cursor: string | null = null
  for (let page = 0; page < 1000; page++) {
    const res = await get(server, token, `?${query}${cursor ? `&cursor=${cursor}` : ''}`)
    assert.is(res.status, 200, JSON.stringify(res.body))
    ids.push(...res.body.tasks.map((t) => t.id))
    cursor = res.body.next_cursor
    if (!cursor) return ids
    await between(page)
  }
  throw new Error('the walk did not end')
}

function lines(prefix: string, n: number): { ids: string[]; jsonl: string } {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`)
  return { ids, jsonl: ids.map((id) => taskLine(id)).join('\n') }
}

/** A task line with its own prompt. */
function line(id: string, prompt: string): string {
  return JSON.stringify({ ...JSON.parse(taskLine(id)), prompt })
}

/** Sets stored statuses directly (the workflow's own rules are tested elsewhere). */
async function setStatus(server: TestServer, status: TaskStatus, ...ids: string[]) {
  for (const id of ids) {
    await server.running.deps.db.updateTask(id, (t) => {
      t.status = status
    })
  }
}

test('walks every task exactly once across cursors while another import adds tasks mid-walk', async () => {
  const a = lines('a', 120)
  const c = lines('c', 120)
  await importTasks(fx.server, a.jsonl, 'a')
  await importTasks(fx.server, c.jsonl, 'c')
  const before = [...a.ids, ...c.ids]
  const added: string[] = []
  for (const sort of ['created', '-created', 'id', '-id', 'updated']) {
    const extra = lines(`n${sort.replace('-', 'r')}`, 60)
    const seen = await walk(fx.server, fx.server.leadToken, `sort=${sort}&limit=25`, async (page) => {
      // Tasks land before, inside and after the walk's position: batches a, b and c.
      if (page === 2) {
        await importTasks(fx.server, extra.jsonl.split('\n').slice(0, 20).join('\n'), 'a')
        await importTasks(fx.server, extra.jsonl.split('\n').slice(20, 40).join('\n'), 'b')
        await importTasks(fx.server, extra.jsonl.split('\n').slice(40).join('\n'), 'd')
      }
    })
    added.push(...extra.ids)
    const counts = new Map<string, number>()
    for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1)
    assert.equal([...counts].filter(([, n]) => n > 1), [], `${sort}: no task twice`)
    assert.equal(before.filter((id) => !counts.has(id)), [], `${sort}: every task that existed is found`)
    before.push(...added.splice(0))
    // Control: a fresh walk finds the tasks added meanwhile, so the first walk could have missed them.
    const fresh = new Set(await walk(fx.server, fx.server.leadToken, `sort=${sort}&limit=100`))
    assert.equal(extra.ids.filter((id) => !fresh.has(id)), [], `${sort}: a fresh walk finds the added tasks`)
    assert.is(fresh.size, before.length)
  }
})

test('walks the created order batch by batch, then by creation time and id', async () => {
  await importTasks(fx.server, [line('z1', 'one'), line('m1', 'two')].join('\n'), 'b2')
  await importTasks(fx.server, [line('z2', 'three'), line('a2', 'four')].join('\n'), 'b1')
  assert.equal(await walk(fx.server, fx.server.leadToken, 'limit=1'), ['a2', 'z2', 'm1', 'z1'], 'one import shares its creation time')
  assert.equal(await walk(fx.server, fx.server.leadToken, 'sort=-created&limit=3'), ['z1', 'm1', 'z2', 'a2'])
  assert.equal(await walk(fx.server, fx.server.leadToken, 'sort=id&limit=3'), ['a2', 'm1', 'z1', 'z2'])
})

/** Two batches, two annotators, three statuses: the fixture the filter tests compute by hand. */
async function filterFixture() {
  await importTasks(fx.server, [line('x1', '# Merge intervals\nJoin them.'), line('x2', 'Parse CSV rows.'), line('x3', 'merge sorted lists'), line('x4', 'Reverse a string.')].join('\n'), 'x')
  await importTasks(fx.server, [line('y1', 'MERGE two dicts.'), line('y2', 'Parse JSON.')].join('\n'), 'y')
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const bob = await createUser(fx.server, 'Bob', 'annotator')
  const assignTo = async (id: string, users: string[]) =>
    assert.is((await api(fx.server, fx.server.leadToken, 'POST', `/api/tasks/${id}/assign`, { userIds: users })).status, 200)
  await assignTo('x1', [ann.id])
  await assignTo('x2', [ann.id])
  await assignTo('x3', [ann.id, bob.id])
  await assignTo('y1', [ann.id])
  await assignTo('x4', [bob.id])
  await setStatus(fx.server, 'submitted', 'x1', 'y1')
  await setStatus(fx.server, 'in_progress', 'x3')
  return { ann, bob }
}

test('combines batch, status, assignee and q as AND, matching q in any case against id, title and prompt', async () => {
  const { ann, bob } = await filterFixture()
  const ids = async (query: string) => {
    const res = await get(fx.server, fx.server.leadToken, `?${query}`)
    assert.is(res.status, 200, `${query}: ${JSON.stringify(res.body)}`)
    assert.is(res.body.total, res.body.tasks.length, `${query}: total counts the matches`)
    return res.body.tasks.map((t) => t.id)
  }
  assert.equal(await ids(''), ['x1', 'x2', 'x3', 'x4', 'y1', 'y2'], 'control: no filter lists every task')
  assert.equal(await ids('batch=x&q=merge'), ['x1', 'x3'])
  assert.equal(await ids('batch=x&q=merge&status=submitted'), ['x1'])
  assert.equal(await ids(`assignee=${ann.id}&q=MeRgE`), ['x1', 'x3', 'y1'])
  assert.equal(await ids(`assignee=${ann.id}&status=submitted&batch=y&q=merge`), ['y1'])
  assert.equal(await ids(`assignee=${bob.id}&batch=x&q=merge`), ['x3'])
  assert.equal(await ids(`assignee=${bob.id}&status=open`), ['x4'])
  assert.equal(await ids('q=X2'), ['x2'], 'q matches the id')
  assert.equal(await ids('q=csv'), ['x2'])
  assert.equal(await ids('q=join them'), ['x1'], 'q matches the prompt beyond the title')
  assert.equal(await ids('q=merge&q2=ignored&batch=nope'), [], 'an unknown batch matches nothing')
  assert.equal(await ids('q=[merge]('), [], 'q is text, not a pattern')
  const paged = await walk(fx.server, fx.server.leadToken, `assignee=${ann.id}&limit=1`)
  assert.equal(paged, ['x1', 'x2', 'x3', 'y1'], 'a filtered walk pages in created order')
})

test('gives per-status counts matching every filter but status', async () => {
  await filterFixture()
  const res = await get(fx.server, fx.server.leadToken, '?batch=x&status=submitted')
  assert.is(res.status, 200)
  assert.equal(res.body.tasks.map((t) => t.id), ['x1'])
  assert.is(res.body.total, 1)
  assert.equal(res.body.counts, { open: 2, in_progress: 1, submitted: 1, changes_requested: 0, finalized: 0 })
  const all = await get(fx.server, fx.server.leadToken, '?q=parse')
  assert.equal(all.body.counts, { open: 2, in_progress: 0, submitted: 0, changes_requested: 0, finalized: 0 })
  assert.is(all.body.total, 2)
})

test('shows an annotator only their assigned tasks, whatever they ask for', async () => {
  const { ann, bob } = await filterFixture()
  const lead = await get(fx.server, fx.server.leadToken, '?limit=500')
  assert.is(lead.body.total, 6, 'control: the lead sees every task')
  const mine = await get(fx.server, ann.token, '')
  assert.equal(mine.body.tasks.map((t) => t.id), ['x1', 'x2', 'x3', 'y1'])
  assert.is(mine.body.total, 4)
  assert.equal(mine.body.counts, { open: 1, in_progress: 1, submitted: 2, changes_requested: 0, finalized: 0 })
  const others = await get(fx.server, ann.token, `?assignee=${bob.id}`)
  assert.equal(others.body.tasks.map((t) => t.id), ['x3'], "Bob's tasks only where Ann is assigned too")
  const rev = await createUser(fx.server, 'Rae', 'reviewer')
  assert.is((await get(fx.server, rev.token, '')).body.total, 6, 'a reviewer sees every task')
})

test('puts a task that just changed first in -updated order', async () => {
  await importTasks(fx.server, lines('u', 5).jsonl, 'u')
  await setStatus(fx.server, 'submitted', 'u002')
  const res = await get(fx.server, fx.server.leadToken, '?sort=-updated&limit=2')
  assert.equal(res.body.tasks.map((t) => t.id)[0], 'u002')
  assert.equal(res.body.tasks[0].status, 'submitted')
  const asc = await get(fx.server, fx.server.leadToken, '?sort=updated&limit=5')
  assert.equal(asc.body.tasks.map((t) => t.id)[4], 'u002', 'and last in updated order')
})

test('refuses a bad limit, sort, status, q or cursor with 400 naming it, and changes nothing', async () => {
  await importTasks(fx.server, lines('r', 5).jsonl, 'r')
  const first = await get(fx.server, fx.server.leadToken, '?limit=2')
  assert.is(first.status, 200, 'control: a good query answers')
  const cursor = first.body.next_cursor!
  assert.ok(cursor)
  const refusals: [string, RegExp][] = [
    ['limit=0', /limit/],
    ['limit=501', /limit/],
    ['limit=ten', /limit/],
    ['limit=-1', /limit/],
    ['limit=1.5', /limit/],
    ['sort=name', /sort must be one of/],
    ['status=done', /status must be one of/],
    ['assignee=../x', /assignee/],
    ['batch=%00', /batch/],
    [`q=${'x'.repeat(201)}`, /q must be at most/],
    ['cursor=not!base64', /cursor/],
    ['cursor=Zm9vYmFy', /cursor is not a cursor this server made/],
    [`cursor=${Buffer.from('{"s":"created","f":"x","k":[1,2,3]}').toString('base64url')}`, /cursor/],
    [`cursor=${cursor}&sort=id`, /cursor was made for sort=created/],
    [`cursor=${cursor}&status=open`, /cursor was made for other filters/],
    [`cursor=${cursor}x`, /cursor/],
  ]
  for (const [query, message] of refusals) {
    const res = await api(fx.server, fx.server.leadToken, 'GET', `/api/tasks?${query}`)
    assert.is(res.status, 400, `${query} is refused`)
    assert.match(String(res.body.error), message, `${query}: ${JSON.stringify(res.body)}`)
  }
  const after = await get(fx.server, fx.server.leadToken, `?limit=2&cursor=${cursor}`)
  assert.is(after.status, 200, 'control: the real cursor still works')
  assert.equal(after.body.tasks.map((t) => t.id), ['r002', 'r003'])
  assert.equal((await get(fx.server, fx.server.leadToken, '?limit=500')).body.tasks.map((t) => t.id), lines('r', 5).ids, 'nothing changed')
})

test("counts every task in the CLI's status, across pages", async () => {
  const big = lines('s', 1_100)
  await importTasks(fx.server, big.jsonl, 'big')
  await importTasks(fx.server, lines('t', 3).jsonl, 'small')
  await setStatus(fx.server, 'submitted', 's000', 't001')
  const run = await runCliCaptured(['status', '--json', ...against(fx.server)])
  assert.is(run.code, 0, run.stderr)
  const body = JSON.parse(run.stdout)
  assert.is(body.tasks, 1_103, 'more than two pages of 500')
  assert.equal(body.byBatch, { big: 1_100, small: 3 })
  assert.is(body.byStatus.submitted, 2)
  assert.is(body.byStatus.open, 1_101)
})

test.run()
