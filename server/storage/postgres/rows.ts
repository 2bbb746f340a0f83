/**
 * Checks on what goes into the room log's SQL and on what comes back. Names and numbers from
 * callers are data: checked here, then bound as parameters. Sequence numbers come back as
 * bigint text and are read only when they are safe integers.
 */

/** The most UTF-8 bytes a room name may take (the schema's CHECK says the same). */
export const MAX_ROOM_NAME_BYTES = 512

/** Lone UTF-16 surrogates: they would be stored as U+FFFD, so two names would share one row. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Throws a RangeError unless `room` is a name PostgreSQL stores exactly as given: a non-empty
 * string of at most MAX_ROOM_NAME_BYTES, well-formed UTF-16, without NUL (which `text` refuses).
 */
export function checkRoomName(room: unknown): asserts room is string {
  checkName(room, 'a room name', MAX_ROOM_NAME_BYTES)
}

/**
 * Throws a RangeError (its message starting with `what`) unless `name` is text PostgreSQL stores
 * exactly as given: a non-empty string of at most `maxBytes` UTF-8 bytes, well-formed UTF-16
 * (a lone surrogate would be stored as U+FFFD, so two names would share one row), without NUL.
 */
export function checkName(name: unknown, what: string, maxBytes: number): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new RangeError(`${what} is a non-empty string`)
  if (name.includes('\u0000')) throw new RangeError(`${what} cannot contain NUL`)
  if (LONE_SURROGATE.test(name)) throw new RangeError(`${what} must be well-formed Unicode`)
  if (Buffer.byteLength(name, 'utf8') > maxBytes) throw new RangeError(`${what} takes at most ${maxBytes} UTF-8 bytes`)
}

/** Throws a RangeError unless `n` is a sequence number: a safe integer ≥ 0. */
export function checkSeq(n: unknown, what: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be an integer ≥ 0`)
}

/** A bigint column as a number; refuses what a number cannot hold exactly. */
export function toSeq(value: unknown): number {
  const n = Number(value)
  if (value === null || !Number.isSafeInteger(n) || n < 0) throw new Error(`the database returned ${String(value)} as a sequence number`)
  return n
}

interface RoomRow {
  part: number
  seq: string
  data: Buffer | null
  snapshot_seq: string | null
  sealed?: boolean | null
}

/** A room's row and its update rows, read by one query (part 0: the room, part 1: updates). */
export interface RoomRows {
  head: number
  /** Null when the room has no row (never written). */
  snapshotSeq: number | null
  sealed: boolean
  snapshot: Uint8Array | null
  updates: { seq: number; update: Uint8Array }[]
}

/** Splits the rows of a load or read-since query into the room and its updates, oldest first. */
export function readRows(room: string, rows: RoomRow[]): RoomRows {
  const head = rows[0]?.part === 0 ? rows[0] : null
  const updates = rows.slice(head ? 1 : 0).map((r) => {
    if (r.part !== 1 || r.data === null) throw new Error(`room ${JSON.stringify(room)}: unexpected row in its log`)
    return { seq: toSeq(r.seq), update: r.data as Uint8Array }
  })
  if (!head) return { head: 0, snapshotSeq: null, sealed: false, snapshot: null, updates }
  return {
    head: toSeq(head.seq),
    snapshotSeq: toSeq(head.snapshot_seq),
    sealed: head.sealed === true,
    snapshot: head.data,
    updates,
  }
}
