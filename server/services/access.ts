/** Live access: every open connection's access re-decided from the records whenever they change. */
import { CLOSE } from '../../shared/errors'
import type { CloseEntry } from '../../shared/errors'
import { Access, readsOnlyWhileSubmitted, roomAccess } from '../../shared/permissions'
import type { ParsedRoom } from '../../shared/roomNames'
import type { RecordsDb, StoredUser } from '../storage/recordsDb'
import type { Connection } from '../sync/connection'
import type { Credential } from '../sync/credential'

/** Which sessions are still live: the session store, as access needs it. */
export interface SessionCheck {
  isLive(hash: string): boolean
}

/**
 * Whether `credential` still authenticates user `userId` against the current records. A session
 * ends with sign-out, revocation or expiry, and with its user (the session store is revoked on
 * rotation and removal).
 */
export function credentialValid(
  db: RecordsDb,
  userId: string,
  credential: Credential | null,
  sessions?: SessionCheck,
): boolean {
  const user = db.userById(userId)
  if (!user) return false
  if (credential === null) return true
  switch (credential.kind) {
    case 'token':
      return user.tokenHash === credential.hash
    case 'session':
      return sessions ? sessions.isLive(credential.hash) : true
  }
}

/** What a connection may do now: its access, or the close entry that ends it, with a reason. */
export type Verdict =
  | { access: typeof Access.read | typeof Access.write; reason: string }
  | { close: CloseEntry; reason: string }

/**
 * Decides a connection's access to `room` from the records as they are now: the user and its
 * credential, the task, its status and assignees. The one function both the upgrade and every
 * later refresh use, so a socket never holds more than a fresh connection would get.
 */
export function decideAccess(
  db: RecordsDb,
  userId: string,
  credential: Credential | null,
  room: ParsedRoom,
  sessions?: SessionCheck,
): Verdict {
  const user: StoredUser | undefined = db.userById(userId)
  if (!user || !credentialValid(db, userId, credential, sessions)) {
    return { close: CLOSE.unauthorized, reason: !user ? 'your account was removed' : credential?.kind === 'session' ? 'you were signed out' : 'your token was replaced' }
  }
  const task = db.task(room.taskId)
  if (!task) return { close: CLOSE.unknownTask, reason: 'the task no longer exists' }
  const assigned = task.assignees.includes(user.id)
  const finalized = task.status === 'finalized'
  const access = roomAccess({ userId: user.id, role: user.role, assigned }, room, finalized)
  if (access === Access.none) return { close: CLOSE.forbidden, reason: 'you no longer have access to this task' }
  if (access === Access.write && readsOnlyWhileSubmitted(user.role, room, task.status)) {
    return { access: Access.read, reason: 'the task was submitted; it is read-only until the lead requests changes' }
  }
  if (access === Access.write) return { access, reason: '' }
  // Say why the user reads only: what they can do about it differs.
  const couldWrite = roomAccess({ userId: user.id, role: user.role, assigned }, room, false) === Access.write
  let reason = 'your role can only read this room'
  if (room.kind === 'meta') reason = 'this room is written by the server only'
  else if (finalized && couldWrite) reason = 'the task was finalized'
  return { access, reason }
}

/**
 * Which open connections a change affects: one task's rooms, the rooms of a set of tasks (a bulk
 * change: one pass over the open connections, whatever the set's size), one user's sockets, or
 * several of these together (a connection must match each given).
 */
export interface AccessScope {
  taskId?: string
  taskIds?: ReadonlySet<string>
  userId?: string
}

/**
 * Makes access a live value: after any change to an assignment, a role, a task's state,
 * a user or a token, `refresh` re-decides every affected open connection at once. A connection
 * loses write (its later writes are dropped by the room, and the client is told with the
 * protocol's permission-denied message), gains write when allowed again, or is closed with
 * 4403/4404 where it may no longer read and 4401 where its user or credential is gone.
 */
export class LiveAccess {
  /** Tasks being finalized: nobody writes to them while their record is read and sealed. */
  private readonly sealing = new Set<string>()

  constructor(
    private readonly db: RecordsDb,
    private readonly connections: Set<Connection>,
    private readonly sessions?: SessionCheck,
  ) {}

  /**
   * The access a connection gets now, at upgrade and on every refresh: the records' verdict,
   * with write taken away while the task is being finalized.
   */
  decide(userId: string, credential: Credential | null, room: ParsedRoom): Verdict {
    const verdict = decideAccess(this.db, userId, credential, room, this.sessions)
    if ('access' in verdict && verdict.access === Access.write && this.sealing.has(room.taskId)) {
      return { access: Access.read, reason: 'the task is being finalized' }
    }
    return verdict
  }

  /**
   * Makes every room of a task read-only at once while it is finalized, so that no edit lands
   * between reading the work for the record and the task's finalized status being stored.
   * `unseal` gives back what the records then say (read-only once finalized, else writable).
   */
  seal(taskId: string): void {
    this.sealing.add(taskId)
    this.refresh({ taskId })
  }

  unseal(taskId: string): void {
    if (this.sealing.delete(taskId)) this.refresh({ taskId })
  }

  /** Re-evaluates the open connections in `scope`; an empty scope means every connection. */
  refresh(scope: AccessScope): void {
    for (const conn of [...this.connections]) {
      if (conn.closed || !conn.room) continue
      if (scope.taskId !== undefined && conn.room.taskId !== scope.taskId) continue
      if (scope.taskIds !== undefined && !scope.taskIds.has(conn.room.taskId)) continue
      if (scope.userId !== undefined && conn.user.id !== scope.userId) continue
      this.apply(conn, this.decide(conn.user.id, conn.credential, conn.room))
    }
  }

  private apply(conn: Connection, verdict: Verdict): void {
    if ('close' in verdict) return conn.close(verdict.close)
    const role = this.db.userById(conn.user.id)?.role
    if (role) conn.setRole(role)
    conn.setAccess(verdict.access, verdict.reason)
  }
}
