/**
 * Wire format of the load generator: y-websocket and Hocuspocus frames around hand-encoded Yjs
 * updates that carry a latency marker.
 */
import * as encoding from 'lib0/encoding'
import { WorkspaceRoot } from '../../../shared/schema'

/** How a server frames messages: plain y-websocket, or Hocuspocus (document name first). */
export const Proto = { y: 'y', hocuspocus: 'hocuspocus' } as const
export type Proto = (typeof Proto)[keyof typeof Proto]

/** y-websocket message types (plus Hocuspocus' extra ones). */
export const Msg = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  hpSyncReply: 4,
  hpClose: 7,
  hpSyncStatus: 8,
} as const

/** y-protocols sync sub-types. */
export const SyncStep = { step1: 0, step2: 1, update: 2 } as const

/**
 * A marker is `@@` + tag + 6-digit sender + 8-digit sequence + 16-digit send time (µs on the
 * monotonic clock shared by every process on the machine). Receivers find it in the bytes of
 * whatever the server relays, merged or not, without decoding Yjs.
 */
export const MARKER_BYTES = 33
export const UPDATE_TAG = Buffer.from('@@b')
export const AWARENESS_TAG = Buffer.from('@@a')

/** Root that the bench's marker edits go to: a real workspace root, as in codejury's schema. */
export const BENCH_ROOT = WorkspaceRoot.explanation

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

/** The marker text for a send; `tag` is 'b' for document updates and 'a' for presence. */
export function markerString(tag: 'a' | 'b', sender: number, seq: number, sentUs: number): string {
  return `@@${tag}${pad(sender, 6)}${pad(seq, 8)}${pad(Math.floor(sentUs), 16)}`
}

function readDigits(buf: Uint8Array, at: number, width: number): number {
  let n = 0
  for (let i = at; i < at + width; i++) {
    const d = buf[i] - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/** Calls `onMarker` for every marker with `tag` in buf[start, end). */
export function readMarkers(
  buf: Buffer,
  start: number,
  end: number,
  tag: Buffer,
  onMarker: (sender: number, seq: number, sentUs: number) => void,
): void {
  let pos = start
  while (pos + MARKER_BYTES <= end) {
    const at = buf.indexOf(tag, pos)
    if (at < 0 || at + MARKER_BYTES > end) return
    const sender = readDigits(buf, at + 3, 6)
    const seq = readDigits(buf, at + 9, 8)
    const sentUs = readDigits(buf, at + 17, 16)
    if (sender >= 0 && seq >= 0 && sentUs >= 0) onMarker(sender, seq, sentUs)
    pos = at + MARKER_BYTES
  }
}

/**
 * Writes a Yjs V1 update holding one ContentString item, byte for byte what Yjs itself encodes
 * for `ytext.insert(endOfOwnText, text)` (checked against Yjs in wire.test.ts). With
 * `originClock === null` the item has no left origin and names its root; otherwise its left
 * origin is the sender's own previous character, so a client's inserts form one chain and are
 * valid against any server state.
 */
export function writeStringUpdate(
  enc: encoding.Encoder,
  clientID: number,
  clock: number,
  originClock: number | null,
  root: string,
  text: string,
): void {
  encoding.writeVarUint(enc, 1) // clients with structs
  encoding.writeVarUint(enc, 1) // structs of this client
  encoding.writeVarUint(enc, clientID)
  encoding.writeVarUint(enc, clock)
  if (originClock === null) {
    encoding.writeUint8(enc, 4) // ContentString, no origins
    encoding.writeVarUint(enc, 1) // parent is a root type named by key
    encoding.writeVarString(enc, root)
  } else {
    encoding.writeUint8(enc, 0x80 | 4) // ContentString with a left origin
    encoding.writeVarUint(enc, clientID)
    encoding.writeVarUint(enc, originClock)
  }
  encoding.writeVarString(enc, text)
  encoding.writeVarUint(enc, 0) // empty delete set
}

/** Starts a message: Hocuspocus prefixes every message with the document name. */
export function beginMessage(proto: Proto, docName: string, type: number): encoding.Encoder {
  const enc = encoding.createEncoder()
  if (proto === Proto.hocuspocus) encoding.writeVarString(enc, docName)
  encoding.writeVarUint(enc, type)
  return enc
}

/** An empty state vector: a client that holds nothing. */
const EMPTY_STATE_VECTOR = new Uint8Array([0])

/**
 * Sync step 1. The empty state vector means "send me everything"; a reconnecting client sends the
 * state vector of what it holds, and the server answers with only what it lacks.
 */
export function encodeSyncStep1(
  proto: Proto,
  docName: string,
  stateVector: Uint8Array = EMPTY_STATE_VECTOR,
): Uint8Array {
  const enc = beginMessage(proto, docName, Msg.sync)
  encoding.writeVarUint(enc, SyncStep.step1)
  encoding.writeVarUint8Array(enc, stateVector)
  return encoding.toUint8Array(enc)
}

/** Sync step 2 carrying `update` (an empty update when the client has nothing yet). */
export function encodeSyncStep2(proto: Proto, docName: string, update: Uint8Array): Uint8Array {
  const enc = beginMessage(proto, docName, Msg.sync)
  encoding.writeVarUint(enc, SyncStep.step2)
  encoding.writeVarUint8Array(enc, update)
  return encoding.toUint8Array(enc)
}

/** A sync update message around an already encoded Yjs update. */
export function encodeUpdateMessage(proto: Proto, docName: string, update: Uint8Array): Uint8Array {
  const enc = beginMessage(proto, docName, Msg.sync)
  encoding.writeVarUint(enc, SyncStep.update)
  encoding.writeVarUint8Array(enc, update)
  return encoding.toUint8Array(enc)
}

/** A sync update message inserting `text` (which carries the marker) into the bench root. */
export function encodeMarkerUpdateMessage(
  proto: Proto,
  docName: string,
  clientID: number,
  clock: number,
  originClock: number | null,
  text: string,
): Uint8Array {
  const inner = encoding.createEncoder()
  writeStringUpdate(inner, clientID, clock, originClock, BENCH_ROOT, text)
  return encodeUpdateMessage(proto, docName, encoding.toUint8Array(inner))
}

/** An awareness update for one client, as y-protocols' encodeAwarenessUpdate writes it. */
export function encodeAwarenessMessage(
  proto: Proto,
  docName: string,
  clientID: number,
  clock: number,
  state: unknown,
): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, clientID)
  encoding.writeVarUint(inner, clock)
  encoding.writeVarString(inner, JSON.stringify(state))
  const enc = beginMessage(proto, docName, Msg.awareness)
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner))
  return encoding.toUint8Array(enc)
}

/** Hocuspocus' first message: an auth token (the bench servers accept any). */
export function encodeHocuspocusAuth(docName: string, token: string): Uint8Array {
  const enc = beginMessage(Proto.hocuspocus, docName, Msg.auth)
  encoding.writeVarUint(enc, 0) // AuthMessageType.Token
  encoding.writeVarString(enc, token)
  return encoding.toUint8Array(enc)
}

/** Offset of the message type in a frame: Hocuspocus frames start with the document name. */
export function bodyOffset(proto: Proto, buf: Buffer, start: number): number {
  if (proto === Proto.y) return start
  let len = 0
  let shift = 0
  let pos = start
  for (;;) {
    const b = buf[pos++]
    len += (b & 0x7f) * 2 ** shift
    if (b < 0x80) break
    shift += 7
  }
  return pos + len
}
