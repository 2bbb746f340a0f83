/**
 * Seeds placed rankings into ballot rooms through the server's own write path (`rooms.transact`),
 * for tests that need many ballots without a peer per ballot.
 */
import { roomName } from '../../shared/roomNames'
import { getBallot } from '../../shared/schema'
import { api } from './server'
import type { TestServer } from './server'

/** Makes `batch` independent, so the stats read its ballots. */
export async function makeIndependent(server: TestServer, batch: string) {
  const db = server.running.deps.db
  await db.putBatch({ ...db.batch(batch)!, mode: 'independent' })
}

/** Assigns `users` to `taskId` and places `rankings[k]` in user k's ballot. */
export async function seedBallots(server: TestServer, taskId: string, users: { id: string }[], rankings: string[][]) {
  const res = await api(server, server.leadToken, 'POST', `/api/tasks/${taskId}/assign`, { userIds: users.map((u) => u.id) })
  if (res.status !== 200) throw new Error(`assign failed: ${res.status} ${JSON.stringify(res.body)}`)
  for (const [k, user] of users.entries()) {
    await server.running.deps.rooms.transact(roomName.ballot(taskId, user.id), (doc) => getBallot(doc).ranking.push(rankings[k]))
  }
}
