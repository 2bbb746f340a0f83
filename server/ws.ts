/**
 * `/ws/:room`: thin glue from @hono/node-server's upgradeWebSocket to the rooms. Refusals a real
 * user can hit (bad token, wrong room, unknown task) accept the upgrade and close at once with a
 * CLOSE code, because a browser sees a refused upgrade as 1006 and retries forever.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { upgradeWebSocket } from '@hono/node-server'
import type { WebSocket } from 'ws'
import { CLOSE } from '../shared/errors'
import type { CloseEntry } from '../shared/errors'
import { parseRoomName } from '../shared/roomNames'
import { Access } from '../shared/permissions'
import type { AppDeps, AppEnv } from './env'
import { hashToken } from './auth/tokens'
import type { Credential } from './sync/credential'
import { Connection } from './sync/connection'
import type { Room } from './sync/room'
import { PING_INTERVAL_MS } from './config'

export function wsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get(
    '/:room',
    upgradeWebSocket((c) => {
      const user = c.get('user')
      const roomName = c.req.param('room') ?? ''
      const parsed = parseRoomName(roomName)
      const credential = user ? credentialOf(c) : null
      let conn: Connection | null = null
      let room: Room | null = null
      const queue: Uint8Array[] = []

      const handle = (bytes: Uint8Array) => {
        if (!conn || conn.closed) return
        conn.alive = true
        if (bytes.length > deps.config.maxMessageBytes) return conn.close(CLOSE.tooLarge)
        if (!conn.takeMessage()) return conn.close(CLOSE.tooMany)
        if (room) room.receive(conn, bytes)
        else queue.push(bytes)
      }

      return {
        onOpen(_evt, ws) {
          const raw = ws.raw as WebSocket
          // Decided here, where the connection joins the set live access refreshes, so a change
          // made during the upgrade is never missed. The same decision every refresh makes.
          let refusal: CloseEntry = CLOSE.unauthorized
          let access: Access = Access.none
          let accessReason = ''
          if (user && !parsed) refusal = CLOSE.unknownTask
          else if (user && parsed) {
            const verdict = deps.access.decide(user.id, credential, parsed)
            if ('close' in verdict) refusal = verdict.close
            else {
              access = verdict.access
              accessReason = verdict.reason
            }
          }
          if (!user || !parsed || access === Access.none) {
            ws.close(refusal.code, refusal.reason)
            return
          }
          // A copy of the user as stored now: live access changes the connection's role, never the record.
          const current = deps.db.userById(user.id) ?? user
          const sessionUser = { id: current.id, name: current.name, role: current.role, color: current.color }
          conn = new Connection(raw, sessionUser, access, {
            maxMessagesPerSecond: deps.config.maxMessagesPerSecond,
            room: parsed,
            credential: credential ?? undefined,
            backlog: deps.backlog,
          })
          conn.accessReason = accessReason
          deps.connections.add(conn)
          // time on task: a person's timeline lives while any of their connections is open
          deps.activity.connected(conn.user.id)
          raw.on('pong', () => {
            if (conn) conn.alive = true
          })
          // Frames straight from ws, not through onMessage: Hono wraps each one in a MessageEvent
          // and copies it into a fresh ArrayBuffer, per message, on the hottest path we have.
          // ws's default binaryType ('nodebuffer', which nothing here changes): one Buffer a message
          raw.on('message', (data: Buffer, isBinary: boolean) => {
            if (!conn) return
            if (!isBinary) return conn.close(CLOSE.badMessage)
            handle(data)
          })
          const joining = conn
          deps.rooms
            .join(roomName, joining)
            .then((r) => {
              if (joining.closed) return deps.rooms.leave(r, joining)
              room = r
              for (const bytes of queue.splice(0)) handle(bytes)
            })
            .catch((err) => {
              deps.log.error('loading a room failed', err, { room: roomName })
              joining.close(CLOSE.restart)
            })
        },
        onClose() {
          if (!conn) return
          conn.closed = true
          deps.backlog.forget(conn)
          deps.connections.delete(conn)
          deps.activity.disconnected(conn.user.id)
          if (room) deps.rooms.leave(room, conn)
        },
      }
    }),
  )
}

/**
 * The credential the upgrade authenticated with, as the session middleware resolved it: a
 * browser's session (its hash) or a token (Bearer, then `?token=`), stored as its hash.
 */
function credentialOf(c: Context<AppEnv>): Credential | null {
  const session = c.get('sessionHash')
  if (c.get('authVia') === 'cookie') return session ? { kind: 'session', hash: session } : null
  const header = c.req.header('authorization')
  const secret = header?.startsWith('Bearer ') ? header.slice(7).trim() : c.req.query('token')
  return secret ? { kind: 'token', hash: hashToken(secret) } : null
}

/** Connections pinged per event-loop turn: a sweep of thousands must not stall the relays. */
const PINGS_PER_TURN = 100

/**
 * Pings every connection each interval (PING_INTERVAL_MS) and terminates those that answered nothing since
 * the previous sweep (half-open TCP connections would otherwise hold rooms forever). A sweep
 * goes PINGS_PER_TURN connections at a time, one batch per turn.
 */
export function startKeepAlive(connections: Set<Connection>, intervalMs = PING_INTERVAL_MS): () => void {
  let stopped = false
  const sweep = (batch: Connection[], from: number) => {
    if (stopped) return
    const end = Math.min(from + PINGS_PER_TURN, batch.length)
    for (let i = from; i < end; i++) {
      const conn = batch[i]
      if (conn.closed) continue
      const raw = conn.socket as unknown as WebSocket
      if (!conn.alive) {
        raw.terminate()
        continue
      }
      conn.alive = false
      try {
        raw.ping()
      } catch {
        // closing
      }
    }
    if (end < batch.length) setImmediate(() => sweep(batch, end))
  }
  const timer = setInterval(() => sweep([...connections], 0), intervalMs)
  timer.unref()
  return () => {
    stopped = true
    clearInterval(timer)
  }
}
