/** The permission matrix: every role × every route and room, in each workflow state, by id across tasks. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../shared/roomNames'
import { getBallot, getMeta, getWorkspace } from '../shared/schema'
import { createThread, readThreads } from '../shared/comments'
import { onPermissionDenied } from '../client/sync/permissionDenied'
import { api, assign, createUser, importTasks, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'
import { connectPeer } from './helpers/peer'
import type { Peer } from './helpers/peer'
import { waitFor } from './helpers/waitFor'
import { act, addThread, completeWorkspace, syncedPeer } from './helpers/review'

const test = suite('permissions')
let server: TestServer
let peers: Peer[] = []

/** Who asks: the lead, an annotator assigned to t1 (ann), another assigned to t1 (ann2), one assigned only to t2, a reviewer, nobody. */
type Who = 'lead' | 'ann' | 'ann2' | 'other' | 'rev' | 'out'
const WHO: Who[] = ['lead', 'ann', 'other', 'rev', 'out']
let tokens: Record<Who, string | null>
let ids: Record<Who, string>

test.before.each(async () => {
  server = await startServer()
  await importTasks(server, [taskLine('t1'), taskLine('t2')].join('\n'))
  const [ann, ann2, other, rev] = [
    await createUser(server, 'Ann', 'annotator'),
    await createUser(server, 'Bea', 'annotator'),
    await createUser(server, 'Otto', 'annotator'),
    await createUser(server, 'Rae', 'reviewer'),
  ]
  await assign(server, 't1', [ann.id, ann2.id])
  await assign(server, 't2', [other.id])
  const leadId = server.running.deps.db.users.find((u) => u.role === 'lead')!.id
  tokens = { lead: server.leadToken, ann: ann.token, ann2: ann2.token, other: other.token, rev: rev.token, out: null }
  ids = { lead: leadId, ann: ann.id, ann2: ann2.id, other: other.id, rev: rev.id, out: '' }
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
})

// ---------------------------------------------------------------- rooms

/** Room kinds of the matrix; `ownBallot` is ann's ballot, `otherBallot` ann2's. */
type Kind = 'workspace' | 'comments' | 'meta' | 'ownBallot' | 'otherBallot'
/** What a cell expects: write (relayed to a lead), read (synced, writes dropped), or a close code. */
type Expect = 'W' | 'R' | 4401 | 4403 | 4404

const roomOf = (task: string, kind: Kind) =>
  kind === 'workspace' ? roomName.workspace(task)
    : kind === 'comments' ? roomName.comments(task)
      : kind === 'meta' ? roomName.meta(task)
        : roomName.ballot(task, kind === 'ownBallot' ? ids.ann : ids.ann2)

/**
 * The room table of docs/protocol.md#who-may-open-which-room written out by hand (never computed from shared/permissions.ts, which
 * is what is under test) for a task that is not finalized. Unassigned annotators are refused
 * every room of the task; signed-out sockets get 4401.
 */
const OPEN_ROOMS: Record<Kind, Record<Exclude<Who, 'ann2'>, Expect>> = {
  workspace: { lead: 'W', ann: 'W', other: 4403, rev: 'R', out: 4401 },
  comments: { lead: 'W', ann: 'W', other: 4403, rev: 'W', out: 4401 },
  meta: { lead: 'R', ann: 'R', other: 4403, rev: 'R', out: 4401 },
  ownBallot: { lead: 'R', ann: 'W', other: 4403, rev: 4403, out: 4401 },
  otherBallot: { lead: 'R', ann: 4403, other: 4403, rev: 4403, out: 4401 },
}
/** Finalized: the same, with every write turned into read. */
const FINALIZED_ROOMS = Object.fromEntries(
  Object.entries(OPEN_ROOMS).map(([k, row]) => [k, Object.fromEntries(Object.entries(row).map(([w, e]) => [w, e === 'W' ? 'R' : e]))]),
) as typeof OPEN_ROOMS

/** Submitted: the workspace reads only for its annotator until the lead sends it back; the lead still writes. */
const SUBMITTED_ROOMS: typeof OPEN_ROOMS = { ...OPEN_ROOMS, workspace: { ...OPEN_ROOMS.workspace, ann: 'R' } }

/** What a room shows of its content, read through the roots its kind holds. */
function view(doc: Y.Doc, kind: Kind): string {
  if (kind === 'workspace') return getWorkspace(doc).explanation.toString()
  if (kind === 'comments') return JSON.stringify(readThreads(doc).map((t) => [t.id, t.comments.map((c) => c.body)]))
  if (kind === 'meta') return JSON.stringify(getMeta(doc).toJSON())
  return JSON.stringify(getBallot(doc).ranking.toArray())
}

/** Makes one edit of the kind's own shape. */
function edit(doc: Y.Doc, kind: Kind, tag: string, author: string): void {
  if (kind === 'workspace') getWorkspace(doc).explanation.insert(0, tag)
  else if (kind === 'comments') createThread(doc, { anchor: { kind: 'task' }, quote: '', author, body: tag }, null)
  else if (kind === 'meta') getMeta(doc).set('probe', tag)
  else getBallot(doc).ranking.push([tag])
}

/** What each room holds before the cells run, so a read can be told from an empty sync. */
const SEED: Record<Kind, string> = { workspace: 'B subtracts', comments: 'seed-thread', meta: 'status', ownBallot: 'a', otherBallot: 'b' }

async function seedRooms(): Promise<void> {
  const first = peers.length
  const lead = await syncedPeer(server, roomName.workspace('t1'), server.leadToken, peers)
  await completeWorkspace(server, lead, 't1')
  const comments = await syncedPeer(server, roomName.comments('t1'), server.leadToken, peers)
  await addThread(server, comments, 't1', 'seed-thread', true)
  for (const [who, cand] of [['ann', 'a'], ['ann2', 'b']] as const) {
    const p = await syncedPeer(server, roomName.ballot('t1', ids[who]), tokens[who]!, peers)
    getBallot(p.doc).ranking.push([cand])
    const room = roomName.ballot('t1', ids[who])
    await waitFor(() => getBallot(server.running.deps.rooms.peek(room)?.doc ?? new Y.Doc()).ranking.length === 1, `${who}'s ballot stored`)
  }
  // Stored: the seeders leave, so the cells meet only the observers (and fewer sockets stay open).
  for (const p of peers.splice(first)) p.destroy()
}

let tagCount = 0
/** Checks one cell against a lead observer that is connected to the same room. */
async function checkRoom(room: string, kind: Kind, who: Who, expect: Expect, observer: Peer): Promise<void> {
  const cell = `${who} in ${room}`
  const p = connectPeer(server.wsUrl, room, tokens[who])
  peers.push(p)
  const denied: string[] = []
  onPermissionDenied(p.provider, (r) => denied.push(r))
  try {
    if (typeof expect === 'number') {
      await waitFor(() => p.closes.some((c) => c.code === expect), `${cell}: close ${expect}`)
      assert.not.ok(p.provider.synced, `${cell}: never synced`)
      assert.not.ok(view(p.doc, kind).includes(SEED[kind]), `${cell}: saw nothing of the room`)
      return
    }
    await waitFor(() => p.provider.synced, `${cell}: sync`)
    // read: the sync carries what the room holds
    assert.ok(view(p.doc, kind).includes(SEED[kind]), `${cell}: the sync holds the room's content`)
    const tag = `edit-${++tagCount}`
    edit(p.doc, kind, tag, ids[who])
    if (expect === 'W') {
      await waitFor(() => view(observer.doc, kind).includes(tag), `${cell}: the edit relayed to the lead`)
      assert.equal(denied, [], `${cell}: never told it is read-only`)
      return
    }
    // A presence change sent after the edit: once the lead sees it, the server has handled the edit.
    p.provider.awareness.setLocalStateField('mark', tag)
    await waitFor(() => observer.provider.awareness.getStates().get(p.doc.clientID)?.mark === tag, `${cell}: the mark after the edit`)
    await waitFor(() => denied.length > 0, `${cell}: told it reads only`)
    assert.not.ok(view(observer.doc, kind).includes(tag), `${cell}: the edit was not relayed`)
    const stored = server.running.deps.rooms.peek(room)
    assert.ok(stored && !view(stored.doc, kind).includes(tag), `${cell}: nor stored`)
    assert.equal(p.closes, [], `${cell}: a reader stays connected`)
  } finally {
    p.destroy()
  }
}

async function checkRooms(table: typeof OPEN_ROOMS): Promise<void> {
  for (const kind of Object.keys(table) as Kind[]) {
    const room = roomOf('t1', kind)
    const observer = await syncedPeer(server, room, server.leadToken, peers)
    for (const who of WHO) await checkRoom(room, kind, who, table[kind][who as Exclude<Who, 'ann2'>], observer)
    observer.destroy()
  }
  // Cross-task by id: ann is assigned to t1 only; t2's rooms are closed to her, open to t2's annotator.
  for (const kind of ['workspace', 'comments', 'meta'] as const) {
    const room = roomOf('t2', kind)
    const p = connectPeer(server.wsUrl, room, tokens.ann)
    const own = connectPeer(server.wsUrl, room, tokens.other)
    peers.push(p, own)
    await waitFor(() => p.closes.some((c) => c.code === 4403), `ann in ${room}: 4403`)
    await waitFor(() => own.provider.synced, `t2's own annotator in ${room}: sync (control)`)
    p.destroy()
    own.destroy()
  }
  const crossBallot = connectPeer(server.wsUrl, roomName.ballot('t2', ids.ann), tokens.ann)
  peers.push(crossBallot)
  await waitFor(() => crossBallot.closes.some((c) => c.code === 4403), 'ann in her own-named ballot of t2: 4403')
  const unknown = connectPeer(server.wsUrl, roomName.workspace('t9'), server.leadToken)
  peers.push(unknown)
  await waitFor(() => unknown.closes.some((c) => c.code === 4404), 'the lead in an unknown task: 4404')
}

// ---------------------------------------------------------------- routes

/** A route of the HTTP API and who may use it, as the table of docs/http-api.md says. */
interface RouteCell {
  name: string
  call: (token: string | null) => Promise<number>
  expect: Record<Exclude<Who, 'ann2'>, number>
}

const get = (route: string) => async (token: string | null) => (await api(server, token, 'GET', route)).status
const leadOnly = { lead: 200, ann: 403, other: 403, rev: 403, out: 401 }
const signedIn = { lead: 200, ann: 200, other: 200, rev: 200, out: 401 }
/** t1 as seen by id: hidden (404) from an annotator not assigned to it. */
const onT1 = { lead: 200, ann: 200, other: 404, rev: 200, out: 401 }

/** Reads, and writes whose refusal changes nothing (the lead's success is the control). */
function routeCells(): RouteCell[] {
  return [
    { name: 'GET /api/health', call: get('/api/health'), expect: { lead: 200, ann: 200, other: 200, rev: 200, out: 200 } },
    { name: 'GET /api/me', call: get('/api/me'), expect: signedIn },
    { name: 'GET /api/users', call: get('/api/users'), expect: leadOnly },
    {
      name: 'POST /api/users',
      call: async (t) => (await api(server, t, 'POST', '/api/users', { name: `New ${++tagCount}`, role: 'annotator' })).status,
      expect: { ...leadOnly, lead: 201 },
    },
    {
      name: 'PATCH /api/users/:id',
      call: async (t) => (await api(server, t, 'PATCH', `/api/users/${ids.rev}`, { role: 'reviewer' })).status,
      expect: leadOnly,
    },
    {
      name: 'POST /api/users/:id/token and DELETE /api/users/:id',
      call: async (t) => {
        const spare = await createUser(server, `Spare ${++tagCount}`, 'annotator')
        const rotate = (await api(server, t, 'POST', `/api/users/${spare.id}/token`)).status
        const remove = (await api(server, t, 'DELETE', `/api/users/${spare.id}`)).status
        assert.is(rotate, remove, 'rotating and removing are allowed to the same people')
        return remove
      },
      expect: leadOnly,
    },
    {
      name: 'POST /api/tasks/import',
      call: async (t) => (await api(server, t, 'POST', '/api/tasks/import?batch=more', taskLine(`n${++tagCount}`), 'application/x-ndjson')).status,
      expect: leadOnly,
    },
    { name: 'GET /api/tasks', call: get('/api/tasks'), expect: signedIn },
    // The task itself says "not assigned to you" (403) instead of hiding (404).
    { name: 'GET /api/tasks/t1', call: get('/api/tasks/t1'), expect: { ...onT1, other: 403 } },
    { name: 'GET /api/tasks/t1/people', call: get('/api/tasks/t1/people'), expect: onT1 },
    {
      name: 'POST /api/tasks/t1/assign',
      call: async (t) => (await api(server, t, 'POST', '/api/tasks/t1/assign', { userIds: [ids.ann, ids.ann2] })).status,
      expect: leadOnly,
    },
    { name: 'GET /api/export', call: get('/api/export?format=native'), expect: leadOnly },
    { name: 'GET /api/timesheet', call: get('/api/timesheet'), expect: leadOnly },
    { name: 'GET /api/sessions', call: get('/api/sessions'), expect: leadOnly },
    { name: 'GET /api/metrics', call: get('/api/metrics'), expect: leadOnly },
    {
      name: 'GET /api/events',
      call: async (t) => {
        const ctl = new AbortController()
        const res = await fetch(server.url + '/api/events', { headers: t ? { authorization: `Bearer ${t}` } : {}, signal: ctl.signal })
        ctl.abort()
        return res.status
      },
      expect: signedIn,
    },
  ]
}

async function checkRoutes(): Promise<void> {
  for (const cell of routeCells()) {
    for (const who of WHO) {
      const got = await cell.call(tokens[who])
      assert.is(got, cell.expect[who as Exclude<Who, 'ann2'>], `${cell.name} as ${who}`)
    }
  }
  // Each caller's list holds exactly the tasks it may see (cross-task: ann never learns of t2).
  const listed = async (who: Who) => (await api(server, tokens[who], 'GET', '/api/tasks')).body.tasks.map((t: { id: string }) => t.id).filter((id: string) => /^t\d$/.test(id))
  assert.equal(await listed('ann'), ['t1'])
  assert.equal(await listed('other'), ['t2'])
  assert.equal(await listed('rev'), ['t1', 't2'])
  assert.equal(await listed('lead'), ['t1', 't2'])
  assert.is((await api(server, tokens.ann, 'GET', '/api/tasks/t2')).status, 403, 'ann asks for t2 by id')
  assert.is((await api(server, tokens.ann, 'GET', '/api/tasks/t2/people')).status, 404)
  assert.is((await act(server, tokens.ann!, 't2', 'submit')).status, 404, 'ann submits t2 by id')
}

type Action = 'submit' | 'request-changes' | 'finalize' | 'reopen'
const ACTIONS: Action[] = ['submit', 'request-changes', 'finalize', 'reopen']
const status = (id: string) => server.running.deps.db.task(id)?.status

/**
 * Every workflow action by everyone who may not take it in this state: refused with the status
 * docs/http-api.md gives, and the task's status untouched. `allowed` (who, action) is taken last, as the
 * positive control, and must succeed.
 */
async function checkActions(refusals: Record<Action, Record<Exclude<Who, 'ann2'>, number | null>>, allowed: [Who, Action]): Promise<void> {
  const before = status('t1')
  for (const action of ACTIONS) {
    for (const who of WHO) {
      const want = refusals[action][who as Exclude<Who, 'ann2'>]
      if (want === null) continue
      const res = await act(server, tokens[who] as string, 't1', action, action === 'request-changes' ? { message: 'again' } : undefined)
      assert.is(res.status, want, `${action} as ${who} while ${before}: ${JSON.stringify(res.body)}`)
      assert.is(status('t1'), before, `${action} as ${who} changed nothing`)
    }
  }
  const [who, action] = allowed
  const ok = await act(server, tokens[who]!, 't1', action, action === 'request-changes' ? { message: 'again' } : undefined)
  assert.is(ok.status, 200, `the control: ${action} as ${who}: ${JSON.stringify(ok.body)}`)
}

const NOT_LEAD = { ann: 403, other: 403, rev: 403, out: 401 }
const SUBMIT_REFUSED = { lead: 403, other: 404, rev: 403, out: 401 }

test('applies the matrix to a task that is open or in progress', async () => {
  await seedRooms()
  assert.ok(['open', 'in_progress'].includes(status('t1')!), status('t1'))
  await checkRoutes()
  await checkRooms(OPEN_ROOMS)
  await checkActions(
    {
      submit: { ...SUBMIT_REFUSED, ann: null },
      'request-changes': { lead: 409, ...NOT_LEAD },
      finalize: { lead: null, ...NOT_LEAD },
      reopen: { lead: 409, ...NOT_LEAD },
    },
    ['ann', 'submit'],
  )
  assert.is(status('t1'), 'submitted')
})

test('applies the matrix to a submitted task', async () => {
  await seedRooms()
  assert.is((await act(server, tokens.ann!, 't1', 'submit')).status, 200)
  assert.is(status('t1'), 'submitted')
  await checkRooms(SUBMITTED_ROOMS)
  await checkActions(
    {
      submit: { ...SUBMIT_REFUSED, ann: 409 },
      'request-changes': { lead: null, ...NOT_LEAD },
      finalize: { lead: null, ...NOT_LEAD },
      reopen: { lead: 409, ...NOT_LEAD },
    },
    ['lead', 'request-changes'],
  )
  assert.is(status('t1'), 'changes_requested')
  // Sent back: the workspace is writable again for its annotator (the control for the read-only cell).
  const observer = await syncedPeer(server, roomName.workspace('t1'), server.leadToken, peers)
  await checkRoom(roomName.workspace('t1'), 'workspace', 'ann', 'W', observer)
})

test('applies the matrix to a finalized task: every room reads only, only reopen moves it', async () => {
  await seedRooms()
  const fin = await act(server, server.leadToken, 't1', 'finalize')
  assert.is(fin.status, 200, JSON.stringify(fin.body))
  await checkRoutes()
  await checkRooms(FINALIZED_ROOMS)
  await checkActions(
    {
      submit: { ...SUBMIT_REFUSED, ann: 409 },
      'request-changes': { lead: 409, ...NOT_LEAD },
      finalize: { lead: 409, ...NOT_LEAD },
      reopen: { lead: null, ...NOT_LEAD },
    },
    ['lead', 'reopen'],
  )
  assert.is(status('t1'), 'in_progress')
  // Reopened: the workspace is writable again for its annotator (the control for the read-only cells).
  const observer = await syncedPeer(server, roomName.workspace('t1'), server.leadToken, peers)
  await checkRoom(roomName.workspace('t1'), 'workspace', 'ann', 'W', observer)
})

test.run()
