/**
 * The room log shared by several instances: each room's Yjs updates in commit order, numbered,
 * with a snapshot that folds a prefix of them. An update is durable when `append` resolves, and
 * only then may it be relayed; an append that rejects stored nothing. Sequence numbers increase
 * by one per append within a room and never repeat, so a reader that saw `seq` knows exactly
 * what it missed. A room can be sealed (a fence): while sealed, every append on every instance
 * is refused at the log itself, which is what lets finalize hold across instances.
 */

/** A room as stored: the latest snapshot (null: none) and every update after it, oldest first. */
export interface StoredRoom {
  snapshot: Uint8Array | null
  /** The last sequence number the snapshot folds in (0: no snapshot). */
  snapshotSeq: number
  updates: Uint8Array[]
  /** The sequence number of the last update (snapshotSeq when there are none after it). */
  head: number
  /** Whether appends are refused (see `seal`). */
  sealed: boolean
}

/** Updates after a known sequence number, for catching up. */
export interface LogTail {
  updates: { seq: number; update: Uint8Array }[]
  head: number
}

/** An append refused because the room is sealed; nothing was stored. */
export class RoomSealedError extends Error {
  readonly code = 'room-sealed'
  constructor(readonly room: string) {
    super(`room ${room} is sealed: it takes no writes`)
    this.name = 'RoomSealedError'
  }
}

/** An append refused because it writes at a client id another user claimed; nothing was stored. */
export class ClientClaimedError extends Error {
  readonly code = 'client-claimed'
  constructor(
    readonly room: string,
    readonly client: number,
  ) {
    super(`room ${room}: client id ${client} belongs to another user`)
    this.name = 'ClientClaimedError'
  }
}

export interface RoomLog {
  /** The room as stored; a room never written reads as empty (head 0, no snapshot). */
  load(room: string): Promise<StoredRoom>
  /**
   * Updates with a sequence number above `since`, oldest first; null when some of them were
   * folded into a snapshot already (the caller loads the room instead).
   */
  readSince(room: string, since: number): Promise<LogTail | null>
  /**
   * Stores one update durably and resolves with its sequence number. `claims` ([client id, user])
   * are recorded with it, in the same transaction. Rejects, having stored nothing, with
   * RoomSealedError when the room is sealed, ClientClaimedError when a claimed client id belongs
   * to someone else, or with the engine's error.
   */
  append(room: string, update: Uint8Array, claims?: ReadonlyArray<readonly [number, string]>): Promise<number>
  /** Who first wrote each client id of the room, as [client id, user]. */
  loadOwners(room: string): Promise<Array<[number, string]>>
  /**
   * Replaces the snapshot with `state` (the whole document with every update up to `upTo`
   * applied) and drops the updates it folds in, under a lease that one instance holds at a time.
   * Resolves false, changing nothing, when another instance holds the lease or a newer snapshot
   * exists; a lease of an instance that died lapses.
   */
  compact(room: string, state: Uint8Array, upTo: number): Promise<boolean>
  /**
   * Writes `state` as the first snapshot of a room nothing was ever written to, and resolves true;
   * resolves false, writing nothing, when the room exists (another instance seeded it first).
   */
  initialize(room: string, state: Uint8Array): Promise<boolean>
  /** From when this resolves, every append to `room` on every instance is refused until `unseal`. */
  seal(room: string): Promise<void>
  unseal(room: string): Promise<void>
  close(): Promise<void>
}
