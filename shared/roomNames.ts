/** Room names: the one place that builds and parses them (docs/protocol.md#rooms-and-roots). */

/** The room-name pattern of docs/protocol.md#rooms-and-roots; anything else is refused before any document is loaded. */
export const ROOM_NAME_RE = /^task:([A-Za-z0-9_-]{1,64})(?::(comments|meta|ballot:([A-Za-z0-9_-]{1,64})))?$/

/** Task and user ids follow the same alphabet as room-name segments. */
export const ID_RE = /^[A-Za-z0-9_-]{1,64}$/

export type RoomKind = 'workspace' | 'comments' | 'meta' | 'ballot'

export type ParsedRoom =
  | { kind: 'workspace'; taskId: string }
  | { kind: 'comments'; taskId: string }
  | { kind: 'meta'; taskId: string }
  | { kind: 'ballot'; taskId: string; userId: string }

/** Builders, so no other file concatenates a room name by hand. */
export const roomName = {
  workspace: (taskId: string) => `task:${taskId}`,
  comments: (taskId: string) => `task:${taskId}:comments`,
  meta: (taskId: string) => `task:${taskId}:meta`,
  ballot: (taskId: string, userId: string) => `task:${taskId}:ballot:${userId}`,
} as const

/** Parses a room name, or returns null when it does not match that pattern. */
export function parseRoomName(name: string): ParsedRoom | null {
  if (typeof name !== 'string' || name.length > 160) return null
  const m = ROOM_NAME_RE.exec(name)
  if (!m) return null
  const taskId = m[1]
  const suffix = m[2]
  if (suffix === undefined) return { kind: 'workspace', taskId }
  if (suffix === 'comments') return { kind: 'comments', taskId }
  if (suffix === 'meta') return { kind: 'meta', taskId }
  return { kind: 'ballot', taskId, userId: m[3] }
}
