/** The y-websocket wire format: message types and paired write/read helpers over lib0. */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

/** Top-level message types of the y-websocket protocol (DESIGN.md, "Wire protocol"). */
export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** Sub-types of a sync message (y-protocols/sync). */
export const SyncType = { step1: 0, step2: 1, update: 2 } as const
export type SyncType = (typeof SyncType)[keyof typeof SyncType]

/** Wraps a document update as a sync `update` message. */
export function writeUpdateMessage(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  encoding.writeVarUint(enc, SyncType.update)
  encoding.writeVarUint8Array(enc, update)
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

/** Decodes an awareness update (y-protocols/awareness format) into its entries. Throws on bad bytes. */
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
