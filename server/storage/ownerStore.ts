/** Where a room's owner record (which user first wrote each Yjs client id) is kept: the interface sync/clientOwners reads through, and its memory form. */

/** Where a room's owner record lives: a sidecar file beside its log, or memory. */
export interface OwnerStore {
  /** Every recorded owner, as `[clientId, userId]`. */
  load(): Array<[number, string]>
  /** Adds owners to the record before the claiming update is relayed; throws when it cannot (the claim is then refused). */
  add(entries: Array<[number, string]>): void
}

/** An owner record in memory only: for STORAGE=memory (kept across unloads by its provider) and tests. */
export class MemoryOwnerStore implements OwnerStore {
  private entries: Array<[number, string]> = []
  load(): Array<[number, string]> {
    return this.entries.slice()
  }
  add(entries: Array<[number, string]>): void {
    this.entries.push(...entries)
  }
}
