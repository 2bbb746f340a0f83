/**
 * A room's document, lazily: the stored state stays bytes until something needs it decoded, and
 * joiners are answered from those bytes or from the encoding kept for joiners (joinState.ts).
 *
 * A room loaded from one snapshot answers fresh clients with the snapshot as it is and applies it
 * only when it must (a write, a server read):
 * opening a room to read it (a reviewer's first visit, the CLI, a cold load) costs a file read,
 * not a decode and a re-encode of the whole document.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { LOAD } from '../../shared/origins'
import { MessageType, writeSyncStep1Message, writeSyncStep2Message, writeUpdateMessage } from '../../shared/protocol'
import { JoinStateCache } from './joinState'

/** The room's Y.Doc and its stored bytes while they are not decoded. */
export class RoomDoc {
  readonly ydoc = new Y.Doc({ gc: true })
  private stored: Uint8Array | null = null
  private storedStateVector: Uint8Array | null = null
  /** Made on the first join that holds nothing once the document is decoded; most rooms never need it. */
  private joinState: JoinStateCache | null = null
  /** Its stored state could not be decoded: it serves nobody until the room is reloaded. */
  broken = false

  /** @param onBroken called once when the stored bytes turn out undecodable */
  constructor(private readonly onBroken: (err: unknown) => void) {}

  /**
   * Takes everything stored. A single update (the snapshot a successful unload leaves) is kept as
   * bytes; several are applied now (under LOAD, so they are never stored again). Returns whether
   * the document may hold more than its last snapshot (a log survived: a crash or a failed store).
   */
  load(updates: Uint8Array[]): boolean {
    if (updates.length === 0) return false
    if (updates.length === 1) {
      this.stored = updates[0]
      return false
    }
    this.ydoc.transact(() => {
      for (const u of updates) Y.applyUpdate(this.ydoc, u, LOAD)
    }, LOAD)
    return true
  }

  /** The document, with everything stored applied. Throws for a broken room. */
  get doc(): Y.Doc {
    if (this.stored) {
      this.assertUsable()
      try {
        Y.applyUpdate(this.ydoc, this.stored, LOAD)
      } catch (err) {
        this.fail(err)
        throw err
      }
      this.stored = null
      this.storedStateVector = null
    }
    return this.ydoc
  }

  /** True while the room holds its stored state as bytes only. */
  get deferred(): boolean {
    return this.stored !== null
  }

  /** The whole state as one update, for a snapshot: the stored bytes while they are not decoded. */
  encodeState(): Uint8Array {
    return this.stored ?? Y.encodeStateAsUpdate(this.ydoc)
  }

  /** Sync step 1 for a joiner: our state vector. */
  writeStep1(): Uint8Array {
    this.assertUsable()
    if (!this.stored) {
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MessageType.sync)
      syncProtocol.writeSyncStep1(enc, this.ydoc)
      return encoding.toUint8Array(enc)
    }
    try {
      this.storedStateVector ??= Y.encodeStateVectorFromUpdate(this.stored)
    } catch (err) {
      this.fail(err)
      throw err
    }
    return writeSyncStep1Message(this.storedStateVector)
  }

  /**
   * The answer to a sync step 1: messages that, once applied in order, give the client everything
   * the room holds now; the last is sync step 2, on which a stock provider fires `sync`.
   *
   * A client that holds nothing gets the stored bytes, or the encoding kept for joiners as an
   * update message followed by what was stored since as step 2 (so at `sync` it holds all of it). Folding the two into one step 2 would cost a merge or a fresh encoding per turn of
   * typing while people join: for a 785 KB document, `Y.mergeUpdates` took 28–260 ms and
   * `Y.encodeStateAsUpdate` 7–28 ms, against nothing for sending them in this order.
   */
  answer(stateVector: Uint8Array): Uint8Array[] {
    const holdsNothing = stateVector.length === 1 && stateVector[0] === 0
    if (holdsNothing && this.stored) return [writeSyncStep2Message(this.stored)]
    if (holdsNothing) {
      this.joinState ??= new JoinStateCache(() => Y.encodeStateAsUpdate(this.doc))
      const { state, since } = this.joinState.get()
      if (!since) return [writeSyncStep2Message(state)]
      return [writeUpdateMessage(state), writeSyncStep2Message(since)]
    }
    if (this.stored) {
      // A client that holds part of the document (a reconnect after a restart) gets what it lacks
      // cut from the stored bytes: no decode into a Y.Doc, whose cost made 100 reconnecting
      // clients of 160 KB rooms wait 4.8 s at p50 with 3 s stalls.
      try {
        return [writeSyncStep2Message(Y.diffUpdate(this.stored, stateVector))]
      } catch (err) {
        this.fail(err)
        throw err
      }
    }
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.sync)
    syncProtocol.writeSyncStep2(enc, this.doc, stateVector)
    return [encoding.toUint8Array(enc)]
  }

  /** Called with every update the room stored, in order, so the kept join encoding stays whole. */
  noteStored(update: Uint8Array): void {
    this.joinState?.add(update)
  }

  destroy(): void {
    this.stored = null
    this.joinState?.clear()
    this.ydoc.destroy()
  }

  private assertUsable(): void {
    if (this.broken) throw new Error('its stored state cannot be decoded')
  }

  private fail(err: unknown): void {
    this.broken = true
    this.onBroken(err)
  }
}
