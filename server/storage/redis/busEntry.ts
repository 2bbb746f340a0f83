/**
 * One bus message as a Redis stream entry: the fields `from`, `kind`, `seq` (only for `update`)
 * and `payload` (the bytes as they are, never base64). Reading is strict: an entry with a missing,
 * repeated, unknown or malformed field is refused with the reason, so its stream can skip it.
 */
import type { BusKind, BusMessage } from '../roomBus'

const KINDS: ReadonlySet<string> = new Set<BusKind>(['update', 'presence', 'presence-query', 'access', 'event'])
/** Longest `from` accepted, in bytes: an instance id is a short name or a UUID. */
export const MAX_FROM_BYTES = 200
const SEQ = /^(0|[1-9]\d{0,15})$/

/** Whether `kind` names one of the bus's message kinds. */
export function isBusKind(kind: unknown): kind is BusKind {
  return typeof kind === 'string' && KINDS.has(kind)
}

/** A sequence number the bus carries: a non-negative safe integer. */
export function isBusSeq(seq: unknown): seq is number {
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0
}

/** The XADD field list (after the id) for one message; the caller has checked its values. */
export function entryFields(from: string, kind: BusKind, payload: Uint8Array, seq: number | undefined): (string | Buffer)[] {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  return seq === undefined
    ? ['from', from, 'kind', kind, 'payload', bytes]
    : ['from', from, 'kind', kind, 'seq', String(seq), 'payload', bytes]
}

/** A message, or why the entry is not one. */
export type DecodedEntry = { ok: true; message: BusMessage } | { ok: false; problem: string }

function refuse(problem: string): DecodedEntry {
  return { ok: false, problem }
}

/** Reads an entry's flat `[name, value, name, value, …]` field list as XREAD returns it. */
export function decodeEntry(id: string, fields: unknown): DecodedEntry {
  if (!Array.isArray(fields) || fields.length % 2 !== 0) return refuse('fields are not name/value pairs')
  const seen = new Map<string, Buffer>()
  for (let i = 0; i < fields.length; i += 2) {
    const name: unknown = fields[i]
    const value: unknown = fields[i + 1]
    if (!Buffer.isBuffer(name) || !Buffer.isBuffer(value)) return refuse('a field is not a byte string')
    const key = name.toString('latin1')
    if (key !== 'from' && key !== 'kind' && key !== 'seq' && key !== 'payload') return refuse(`unknown field ${JSON.stringify(key.slice(0, 40))}`)
    if (seen.has(key)) return refuse(`field ${key} repeated`)
    seen.set(key, value)
  }
  const from = seen.get('from')
  const kind = seen.get('kind')?.toString('latin1')
  const seqField = seen.get('seq')
  const payload = seen.get('payload')
  if (!from || from.length === 0) return refuse('from is missing')
  if (from.length > MAX_FROM_BYTES) return refuse(`from is longer than ${MAX_FROM_BYTES} bytes`)
  if (kind === undefined) return refuse('kind is missing')
  if (!isBusKind(kind)) return refuse(`unknown kind ${JSON.stringify(kind.slice(0, 40))}`)
  if (!payload) return refuse('payload is missing')
  const message: BusMessage = { id, from: from.toString('utf8'), kind, payload: new Uint8Array(payload) }
  if (kind === 'update') {
    const seq = seqField?.toString('latin1')
    if (seq === undefined) return refuse('seq is missing on an update')
    if (!SEQ.test(seq) || !Number.isSafeInteger(Number(seq))) return refuse('seq is not a non-negative integer')
    message.seq = Number(seq)
  } else if (seqField !== undefined) {
    return refuse(`seq on a ${kind} message`)
  }
  return { ok: true, message }
}
