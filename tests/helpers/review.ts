/** Test helpers for the review loop: a task whose workspace is ready to finalize, edited through real peers. */
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import { roomName } from '../../shared/roomNames'
import { getBallot, getThreads, getWorkspace } from '../../shared/schema'
import { api, assign, createUser, importTasks, taskLine } from './server'
import type { TestServer } from './server'
import { connectPeer } from './peer'
import type { Peer } from './peer'
import { waitFor } from './waitFor'

/** The default rubric's criteria (server/services/tasks.ts DEFAULT_RUBRIC). */
export const CRITERIA = ['correctness', 'efficiency', 'readability'] as const
export const CANDIDATES = ['a', 'b', 'c'] as const

/** A task `id` in batch `test` with an annotator, a reviewer, all as API users. */
export async function reviewTask(server: TestServer, id = 't1') {
  await importTasks(server, taskLine(id))
  const ann = await createUser(server, 'Ann Annotator', 'annotator')
  const rev = await createUser(server, 'Rae Reviewer', 'reviewer')
  await assign(server, id, [ann.id])
  return { id, ann, rev }
}

/** Connects a stock provider and waits for its first sync. */
export async function syncedPeer(server: TestServer, room: string, token: string, peers: Peer[]): Promise<Peer> {
  const peer = connectPeer(server.wsUrl, room, token)
  peers.push(peer)
  await waitFor(() => peer.provider.synced, `${room} to sync`)
  return peer
}

/** Waits until the server's copy of a room satisfies `check`. */
export async function waitForServerDoc(server: TestServer, room: string, check: (doc: Y.Doc) => boolean, what: string) {
  await waitFor(() => {
    const r = server.running.deps.rooms.peek(room)
    return r !== undefined && !r.deferred && check(r.doc)
  }, what)
}

export interface Completion {
  ranking?: string[]
  skipScore?: { candidate: string; criterion: string }
  explanation?: string
  solution?: string
  tests?: string
}

/**
 * Makes the workspace complete (every candidate ranked and scored, three texts written) except
 * what `c` says, through the peer, and waits until the server holds it.
 */
export async function completeWorkspace(server: TestServer, peer: Peer, taskId: string, c: Completion = {}) {
  const ws = getWorkspace(peer.doc)
  const ranking = c.ranking ?? ['b', 'a', 'c']
  peer.doc.transact(() => {
    ws.ranking.delete(0, ws.ranking.length)
    ws.ranking.push(ranking)
    for (const cand of CANDIDATES) {
      let row = ws.ratings.get(cand)
      if (!(row instanceof Y.Map)) ws.ratings.set(cand, (row = new Y.Map<number>()))
      for (const k of CRITERIA) {
        if (c.skipScore?.candidate === cand && c.skipScore.criterion === k) row.delete(k)
        else row.set(k, cand === 'b' ? 2 : 4)
      }
    }
    for (const [field, text] of [
      ['explanation', c.explanation ?? 'B subtracts; A is plain and right.'],
      ['solution', c.solution ?? 'def add(a, b):\n    return a + b\n'],
      ['tests', c.tests ?? 'def test_add():\n    assert add(1, 2) == 3\n'],
    ] as const) {
      ws[field].delete(0, ws[field].length)
      ws[field].insert(0, text)
    }
  })
  const view = (doc: Y.Doc) => {
    const w = getWorkspace(doc)
    return JSON.stringify([w.ranking.toJSON(), w.ratings.toJSON(), w.explanation.toString(), w.solution.toString(), w.tests.toString()])
  }
  const want = view(peer.doc)
  await waitForServerDoc(server, roomName.workspace(taskId), (d) => view(d) === want, 'the server to hold the workspace')
}

/** Adds a comment thread through the peer and waits until the server holds it. */
export async function addThread(server: TestServer, peer: Peer, taskId: string, id: string, resolved: boolean) {
  const threads = getThreads(peer.doc)
  peer.doc.transact(() => {
    const t = new Y.Map<unknown>()
    t.set('id', id)
    t.set('anchor', { kind: 'task' })
    t.set('quote', '')
    t.set('author', 'someone')
    t.set('created_at', new Date().toISOString())
    t.set('resolved', resolved)
    t.set('comments', new Y.Array())
    threads.push([t])
  })
  await waitForServerDoc(server, roomName.comments(taskId), (d) => getThreads(d).length === threads.length, 'the server to hold the thread')
}

/** POSTs a workflow action with a Bearer token. */
export function act(server: TestServer, token: string, taskId: string, action: string, body?: unknown) {
  return api(server, token, 'POST', `/api/tasks/${taskId}/${action}`, body)
}

/** Opens, fills (ranking, every rating 3) and submits `user`'s ballot of `taskId` through their own provider and the routes. */
export async function submitBallot(server: TestServer, peers: Peer[], taskId: string, user: { id: string; token: string }, ranking: string[]) {
  assert.is((await api(server, user.token, 'POST', `/api/tasks/${taskId}/ballot`)).status, 200)
  const peer = await syncedPeer(server, roomName.ballot(taskId, user.id), user.token, peers)
  const b = getBallot(peer.doc)
  peer.doc.transact(() => {
    b.ranking.push(ranking)
    for (const id of ranking) for (const k of CRITERIA) (b.ratings.get(id) as Y.Map<number>).set(k, 3)
  })
  const want = ranking.join()
  await waitForServerDoc(server, roomName.ballot(taskId, user.id), (d) => getBallot(d).ranking.toArray().join() === want, `the ballot of ${user.id} on ${taskId}`)
  const res = await api(server, user.token, 'POST', `/api/tasks/${taskId}/ballot/submit`)
  assert.is(res.status, 200, JSON.stringify(res.body))
}
