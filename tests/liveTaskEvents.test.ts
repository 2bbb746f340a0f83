/** Live list rows: `task` events for changed rows over /api/events, and one `tasks` event for a large write. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { api, assign, createUser, importTasks, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { serverPerTest } from './helpers/perTest'
import { syncedPeer } from './helpers/review'
import { waitFor } from './helpers/waitFor'

const test = suite('live task events')
const fx = serverPerTest(test)

interface Received {
  event: string
  data: Record<string, unknown>
}

/** One person's /api/events stream, parsed as it arrives. */
class EventStream {
  readonly events: Received[] = []
  private readonly controller = new AbortController()
  private buffer = ''

  constructor(server: TestServer, token: string) {
    void this.read(server, token).catch(() => {})
  }

  private async read(server: TestServer, token: string) {
    const res = await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: this.controller.signal })
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      this.buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        const block = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? ''
        if (event !== 'ping') this.events.push({ event, data: data ? JSON.parse(data) : {} })
      }
    }
  }

  of(type: string, taskId?: string): Received[] {
    return this.events.filter((e) => e.event === type && (taskId === undefined || e.data.taskId === taskId))
  }

  close() {
    this.controller.abort()
  }
}

const streams: EventStream[] = []
test.after.each(() => {
  for (const s of streams.splice(0)) s.close()
})

function open(token: string): EventStream {
  const s = new EventStream(fx.server, token)
  streams.push(s)
  return s
}

let markers = 0
/**
 * Imports a task assigned to `annotators` and waits until every stream has its `task` event:
 * streams are ordered, so anything sent before the marker has arrived by then.
 */
async function marker(annotators: { id: string }[], all: EventStream[]) {
  const id = `marker${++markers}`
  await importTasks(fx.server, taskLine(id), 'markers')
  await assign(fx.server, id, annotators.map((a) => a.id))
  await waitFor(() => all.every((s) => s.of('task', id).some((e) => (e.data.assignees as string[]).length === annotators.length)), `every stream to see ${id}`)
}

test('sends a status change to the lead and the assignee as a task event, and nothing to another annotator', async () => {
  await importTasks(fx.server, taskLine('t1'))
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const carl = await createUser(fx.server, 'Carl', 'annotator')
  await assign(fx.server, 't1', [ann.id])
  const lead = open(fx.server.leadToken)
  const annStream = open(ann.token)
  const carlStream = open(carl.token)
  await marker([ann, carl], [lead, annStream, carlStream])

  // The assignee's first edit moves the task from open to in_progress.
  const peer = await syncedPeer(fx.server, roomName.workspace('t1'), ann.token, fx.peers)
  getWorkspace(peer.doc).explanation.insert(0, 'A is right.')
  for (const s of [lead, annStream]) {
    await waitFor(() => s.of('task', 't1').some((e) => e.data.status === 'in_progress'), 'the in_progress row event')
  }
  const row = lead.of('task', 't1').find((e) => e.data.status === 'in_progress')!.data
  assert.equal(Object.keys(row).sort(), ['assignees', 'revision', 'status', 'taskId', 'updatedAt'])
  assert.equal(row.assignees, [ann.id])
  assert.is(row.revision, 1)
  await marker([ann, carl], [lead, annStream, carlStream])
  assert.equal(carlStream.of('task', 't1'), [], 'control: an annotator not on the task hears nothing of it')
  assert.equal(carlStream.of('tasks'), [])
})

test('sends the row event that drops the task to an annotator taken off it', async () => {
  await importTasks(fx.server, taskLine('t1'))
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const bob = await createUser(fx.server, 'Bob', 'annotator')
  const carl = await createUser(fx.server, 'Carl', 'annotator')
  await assign(fx.server, 't1', [ann.id, bob.id])
  const all = [open(ann.token), open(bob.token), open(carl.token)]
  const [annStream, bobStream, carlStream] = all
  await marker([ann, bob, carl], all)
  await assign(fx.server, 't1', [ann.id])
  for (const s of [annStream, bobStream]) {
    await waitFor(() => s.of('task', 't1').some((e) => JSON.stringify(e.data.assignees) === JSON.stringify([ann.id])), 'the row with Bob gone')
  }
  await marker([ann, bob, carl], all)
  assert.equal(carlStream.of('task', 't1'), [], 'control: Carl never saw the task, before or after')
  const list = await api(fx.server, bob.token, 'GET', '/api/tasks')
  assert.equal(list.body.tasks.map((t: { id: string }) => t.id).filter((id: string) => id === 't1'), [], "Bob's first page no longer has it")
})

test('sends one tasks event for a 150-task import, and row events for a 100-task one', async () => {
  const ann = await createUser(fx.server, 'Ann', 'annotator')
  const carl = await createUser(fx.server, 'Carl', 'annotator')
  const all = [open(fx.server.leadToken), open(ann.token), open(carl.token)]
  const [lead, annStream, carlStream] = all
  await marker([ann, carl], all)
  const jsonl = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => taskLine(`${prefix}${i}`)).join('\n')
  const big = await api(fx.server, fx.server.leadToken, 'POST', `/api/tasks/import?batch=big&assign=${ann.id}`, jsonl('big', 150), 'application/x-ndjson')
  assert.is(big.status, 200)
  await marker([ann, carl], all)
  assert.equal(lead.of('tasks').map((e) => e.data), [{ count: 150 }])
  assert.equal(annStream.of('tasks').map((e) => e.data), [{ count: 150 }])
  assert.equal(carlStream.of('tasks'), [], 'an annotator with none of the tasks hears nothing')
  assert.is(lead.events.filter((e) => e.event === 'task' && String(e.data.taskId).startsWith('big')).length, 0, 'no row events')

  const small = await api(fx.server, fx.server.leadToken, 'POST', '/api/tasks/import?batch=small', jsonl('small', 100), 'application/x-ndjson')
  assert.is(small.status, 200)
  await marker([ann, carl], all)
  assert.is(lead.events.filter((e) => e.event === 'task' && String(e.data.taskId).startsWith('small')).length, 100, 'control: 100 rows are sent one by one')
  assert.is(lead.of('tasks').length, 1)
})

test.run()
