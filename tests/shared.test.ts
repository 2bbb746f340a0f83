import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parseRoomName, roomName } from '../shared/roomNames'
import { roomAccess } from '../shared/permissions'
import { MAX_IMPORT_LINES, parseTaskLines } from '../shared/validation'
import { readAwarenessUpdate, writeAwarenessUpdate } from '../shared/protocol'

const rooms = suite('room names')

rooms('parses every room kind the protocol names', () => {
  assert.equal(parseRoomName('task:t1'), { kind: 'workspace', taskId: 't1' })
  assert.equal(parseRoomName('task:t1:comments'), { kind: 'comments', taskId: 't1' })
  assert.equal(parseRoomName('task:t1:meta'), { kind: 'meta', taskId: 't1' })
  assert.equal(parseRoomName('task:t_1-x:ballot:u-2'), { kind: 'ballot', taskId: 't_1-x', userId: 'u-2' })
})

rooms('refuses names outside the pattern', () => {
  for (const bad of ['', 'task:', 'task:a b', 'task:t1:other', 'doc:t1', 'task:t1:ballot:', `task:${'x'.repeat(65)}`, 'task:t1/../x', 'task:t1:ballot:a:b', 'task:é']) {
    assert.is(parseRoomName(bad), null, bad)
  }
})

rooms('builds names that parse back to the same parts', () => {
  assert.equal(parseRoomName(roomName.ballot('t9', 'u1')), { kind: 'ballot', taskId: 't9', userId: 'u1' })
  assert.equal(parseRoomName(roomName.meta('t9'))?.kind, 'meta')
})
rooms.run()

const access = suite('permissions')
const ws = { kind: 'workspace', taskId: 't' } as const
access('lets assigned annotators and leads write the workspace, reviewers only read', () => {
  assert.is(roomAccess({ userId: 'a', role: 'annotator', assigned: true }, ws, false), 'write')
  assert.is(roomAccess({ userId: 'a', role: 'annotator', assigned: false }, ws, false), 'none')
  assert.is(roomAccess({ userId: 'l', role: 'lead', assigned: false }, ws, false), 'write')
  assert.is(roomAccess({ userId: 'r', role: 'reviewer', assigned: false }, ws, false), 'read')
})
access('lets reviewers write comments but nobody write meta', () => {
  const comments = { kind: 'comments', taskId: 't' } as const
  const meta = { kind: 'meta', taskId: 't' } as const
  assert.is(roomAccess({ userId: 'r', role: 'reviewer', assigned: false }, comments, false), 'write')
  for (const role of ['annotator', 'lead', 'reviewer'] as const) {
    assert.is(roomAccess({ userId: 'x', role, assigned: true }, meta, false), 'read')
  }
})
access('keeps ballots private to their owner, readable by the lead', () => {
  const ballot = { kind: 'ballot', taskId: 't', userId: 'a' } as const
  assert.is(roomAccess({ userId: 'a', role: 'annotator', assigned: true }, ballot, false), 'write')
  assert.is(roomAccess({ userId: 'b', role: 'annotator', assigned: true }, ballot, false), 'none')
  assert.is(roomAccess({ userId: 'l', role: 'lead', assigned: false }, ballot, false), 'read')
  assert.is(roomAccess({ userId: 'r', role: 'reviewer', assigned: false }, ballot, false), 'none')
})
access('makes every room read-only once the task is finalized', () => {
  assert.is(roomAccess({ userId: 'l', role: 'lead', assigned: false }, ws, true), 'read')
  assert.is(roomAccess({ userId: 'r', role: 'reviewer', assigned: false }, { kind: 'comments', taskId: 't' }, true), 'read')
})
access.run()

const lines = suite('task import validation')
const good = (id: string) =>
  JSON.stringify({ id, prompt: 'p', language: 'python', candidates: [{ id: 'a', code: 'x' }, { id: 'b', code: 'y' }] })

lines('accepts valid lines and skips blank ones', () => {
  const r = parseTaskLines(`${good('t1')}\n\n${good('t2')}\n`)
  assert.equal(r.errors, [])
  assert.equal(r.tasks.map((t) => t.id), ['t1', 't2'])
  assert.equal(r.lines, [1, 3])
})

lines('reports every problem with its 1-based line and returns no tasks', () => {
  const r = parseTaskLines([good('t1'), '{not json', JSON.stringify({ id: 't3', prompt: 'p', language: 'cobol', candidates: [] }), good('t1')].join('\n'))
  assert.equal(r.tasks, [])
  assert.ok(r.errors.some((e) => e.line === 2 && e.message.startsWith('invalid JSON')))
  assert.ok(r.errors.some((e) => e.line === 3 && e.message.startsWith('language:')))
  assert.ok(r.errors.some((e) => e.line === 3 && e.message.startsWith('candidates:')))
  assert.ok(r.errors.some((e) => e.line === 4 && e.message.includes('duplicate task id')))
})

lines('refuses duplicate candidate ids and unknown fields', () => {
  const dup = JSON.stringify({ id: 't', prompt: 'p', language: 'python', candidates: [{ id: 'a', code: '' }, { id: 'a', code: '' }] })
  assert.ok(parseTaskLines(dup).errors[0].message.includes('unique'))
  const extra = JSON.stringify({ id: 't', prompt: 'p', language: 'python', candidates: [{ id: 'a', code: '' }, { id: 'b', code: '' }], evil: 1 })
  assert.is(parseTaskLines(extra).errors.length, 1)
})

lines('refuses an empty body', () => {
  assert.is(parseTaskLines('\n\n').errors.length, 1)
})

lines('counts a final blank line against no limit, and refuses one task over it', () => {
  const full = Array.from({ length: MAX_IMPORT_LINES }, (_, i) => good(`t${i}`)).join('\n')
  const r = parseTaskLines(`${full}\n   `)
  assert.equal(r.errors, [], 'the whitespace-only last line is not a task')
  assert.is(r.tasks.length, MAX_IMPORT_LINES)
  const over = parseTaskLines(`${full}\n${good('one-more')}`)
  assert.equal(over.errors.map((e) => e.line), [0])
  assert.match(over.errors[0].message, `this has ${MAX_IMPORT_LINES + 1}`)
})
lines.run()

const wire = suite('wire helpers')
wire('round-trips awareness entries', () => {
  const entries = [{ clientID: 5, clock: 2, state: '{"a":1}' }, { clientID: 9, clock: 0, state: 'null' }]
  assert.equal(readAwarenessUpdate(writeAwarenessUpdate(entries)), entries)
})
wire.run()
