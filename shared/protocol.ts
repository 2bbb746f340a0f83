/**
 * The y-websocket wire format: message types and the messages the server writes. Sync and auth
 * payloads are written by y-protocols' own encoders; the two step writers that take bytes exist
 * because y-protocols only encodes from a live Y.Doc, and a room answers from stored bytes while it
 * has not decoded them (a cold read costs a file read, not a decode).
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as authProtocol from 'y-protocols/auth'

/** Top-level message types of the y-websocket protocol (docs/protocol.md#message-types). */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** Sub-types of a sync message (y-protocols/sync). */
export const SyncType = {
  step1: syncProtocol.messageYjsSyncStep1,
  step2: syncProtocol.messageYjsSyncStep2,
  update: syncProtocol.messageYjsUpdate,
} as const
export type SyncType = (typeof SyncType)[keyof typeof SyncType]

/** Wraps a document update as a sync `update` message (y-protocols' writeUpdate). */
export function writeUpdateMessage(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  syncProtocol.writeUpdate(enc, update)
  return encoding.toUint8Array(enc)
}

/** Sync step 1 from an encoded state vector: what y-protocols' writeSyncStep1 sends for a doc. */
export function writeSyncStep1Message(stateVector: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  encoding.writeVarUint(enc, SyncType.step1)
  encoding.writeVarUint8Array(enc, stateVector)
  return encoding.toUint8Array(enc)
}

/**
 * Sync step 2 carrying `update`: what y-protocols' writeSyncStep2 sends, for an update the caller
 * already holds. A stock provider fires `sync` when it has applied this message, so `update` must
 * hold everything the sender had (docs/protocol.md#what-the-server-guarantees: y-websocket fires `sync` on step 2).
 */
export function writeSyncStep2Message(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  encoding.writeVarUint(enc, SyncType.step2)
  encoding.writeVarUint8Array(enc, update)
  return encoding.toUint8Array(enc)
}

/** The auth channel's "permission denied" (y-protocols/auth), sent to a read-only writer. */
export function writePermissionDeniedMessage(reason: string): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.auth)
  authProtocol.writePermissionDenied(enc, reason)
  return encoding.toUint8Array(enc)
}

/** Wraps an encoded awareness update as an awareness message. */
export function writeAwarenessMessage(awarenessUpdate: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.awareness)
  encoding.writeVarUint8Array(enc, awarenessUpdate)
  return encoding.toUint8Array(enc)
}

/** One client's entry in an awareness update. */
export interface AwarenessEntry {
  clientID: number
  clock: number
  /** The JSON text of the state; `null` (the string) when the client is removed. */
  state: string
}

/**
 * Decodes an awareness update (y-protocols/awareness format) into its entries, leaving each state
 * as JSON text so the server parses it once (see server/sync/presenceStates.ts). Throws on bad bytes.
 */
export function readAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const dec = decoding.createDecoder(update)
  const len = decoding.readVarUint(dec)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < len; i++) {
    const clientID = decoding.readVarUint(dec)
    const clock = decoding.readVarUint(dec)
    const state = decoding.readVarString(dec)
    entries.push({ clientID, clock, state })
  }
  return entries
}

/** Encodes awareness entries back into the y-protocols/awareness update format. */
export function writeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(enc, e.clientID)
    encoding.writeVarUint(enc, e.clock)
    encoding.writeVarString(enc, e.state)
  }
  return encoding.toUint8Array(enc)
}
