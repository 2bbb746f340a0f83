/**
 * Incoming frames: one binary message decoded into the few things a room acts on, with access
 * applied first. A read-only connection's writes (sync step 2 and update) are never applied,
 * stored or relayed; the room reads only their clock ranges, to seal them (refusedWrites.ts).
 */
import * as decoding from 'lib0/decoding'
import { CLOSE } from '../../shared/errors'
import type { CloseEntry } from '../../shared/errors'
import { Access } from '../../shared/permissions'
import { MessageType, SyncType } from '../../shared/protocol'

/**
 * Largest state vector a client may send in sync step 1. A state vector names every client id the
 * sender has seen (a few bytes each): 64 KB is thousands of editing sessions, far above any real
 * room; a 1 MiB one cost 0.1–0.6 s of event loop to answer. Larger closes with 4413.
 */
export const MAX_STATE_VECTOR_BYTES = 64 * 1024

/** What a frame asks of the room. */
export type Incoming =
  | { readonly kind: 'syncStep1'; readonly stateVector: Uint8Array }
  /** `resync`: a sync step 2, which carries the sender's whole delete set, not one edit's. */
  | { readonly kind: 'update'; readonly update: Uint8Array; readonly resync: boolean }
  /** A write from a read-only connection: never applied; its bytes only say what to seal. */
  | { readonly kind: 'denied'; readonly update: Uint8Array; readonly resync: boolean }
  | { readonly kind: 'awareness'; readonly update: Uint8Array }
  | { readonly kind: 'queryAwareness' }
  | { readonly kind: 'nothing'; readonly step2?: true }

/** A frame the room refuses; the connection closes with `close`. */
export class FrameError extends Error {
  constructor(
    readonly close: CloseEntry,
    message: string,
  ) {
    super(message)
    this.name = 'FrameError'
  }
}

const NOTHING: Incoming = { kind: 'nothing' }
/** A sync step 2 with nothing in it: the sender has answered our step 1 all the same. */
const EMPTY_STEP2: Incoming = { kind: 'nothing', step2: true }
const QUERY: Incoming = { kind: 'queryAwareness' }

/** Decodes one frame for a connection with `access`. Throws on bytes it cannot decode. */
export function readIncoming(bytes: Uint8Array, access: Access): Incoming {
  const dec = decoding.createDecoder(bytes)
  const type = decoding.readVarUint(dec)
  switch (type) {
    case MessageType.sync:
      return readSync(dec, access)
    case MessageType.awareness:
      return { kind: 'awareness', update: decoding.readVarUint8Array(dec) }
    case MessageType.queryAwareness:
      return QUERY
    case MessageType.auth:
      return NOTHING // clients have nothing to say on this channel
    default:
      throw new FrameError(CLOSE.badMessage, `unknown message type ${type}`)
  }
}

function readSync(dec: decoding.Decoder, access: Access): Incoming {
  const syncType = decoding.readVarUint(dec)
  if (syncType === SyncType.step1) {
    const stateVector = decoding.readVarUint8Array(dec)
    if (stateVector.length > MAX_STATE_VECTOR_BYTES) {
      throw new FrameError(CLOSE.tooLarge, `state vector of ${stateVector.length} bytes`)
    }
    return { kind: 'syncStep1', stateVector }
  }
  if (syncType !== SyncType.step2 && syncType !== SyncType.update) {
    throw new FrameError(CLOSE.badMessage, `unknown sync message type ${syncType}`)
  }
  const update = decoding.readVarUint8Array(dec)
  // A fresh client's answer to our step 1 is the empty update: nothing to apply, nothing denied.
  if (update.length === 2 && update[0] === 0 && update[1] === 0) return syncType === SyncType.step2 ? EMPTY_STEP2 : NOTHING
  // Read-only: dropped without decoding the update; never applied, stored or relayed. A step 2
  // without structs (its first varint, the struct-client count, is 0) is what any client that
  // holds nothing new sends on reconnect, with its whole delete set: no attempt worth telling.
  if (access !== Access.write) {
    return syncType === SyncType.step2 && update[0] === 0 ? EMPTY_STEP2 : { kind: 'denied', update, resync: syncType === SyncType.step2 }
  }
  return { kind: 'update', update, resync: syncType === SyncType.step2 }
}
