/**
 * Which user first wrote each Yjs client id in a room, persisted with the room. A connection may
 * add structs only for client ids that are unclaimed or its user's own: otherwise one
 * annotator could write at another's next clock and swallow their later edits. Stock clients pick
 * a fresh random id per session, so a room gains one entry (~30 bytes) per editing session.
 *
 * The rule's cost, by design: a client that re-sends another person's edits which the room no
 * longer holds (after a server data loss) is refused with 4400, whole, and says so in the log.
 */
import type { OwnerStore } from '../storage/ownerStore'

/**
 * How many client ids one connection may write structs for. A stock client writes with one id per
 * session, plus the ids of its own earlier sessions when it re-sends cached offline edits; a
 * connection that mints ids by the thousand would grow the owner record with every update.
 */
export const MAX_CLIENT_IDS_PER_CONNECTION = 64

/** The owner record of one loaded room. */
export class ClientOwners {
  /**
   * Read from the store on first use (a shared store has them only once the room loaded); null
   * while nobody wrote: a room nobody edited since it was made holds no map.
   */
  private map: Map<number, string> | null | undefined = undefined

  constructor(private readonly store: OwnerStore) {}

  private get owners(): Map<number, string> | null {
    if (this.map === undefined) {
      const entries = this.store.load()
      this.map = entries.length > 0 ? new Map(entries) : null
    }
    return this.map
  }

  /** The user who first wrote `client`, if anyone did. */
  ownerOf(client: number): string | undefined {
    return this.owners?.get(client)
  }

  /** Whether `userId` may add structs for `client`: it is unclaimed or theirs. */
  mayWrite(client: number, userId: string): boolean {
    const owner = this.owners?.get(client)
    return owner === undefined || owner === userId
  }

  /**
   * Records `userId` as the owner of every unclaimed id in `clients`, durably, before the update
   * that writes them is applied. On a failed save nothing is recorded and the error is thrown.
   */
  claim(clients: readonly number[], userId: string): void {
    const added = clients.filter((c) => !this.owners?.has(c))
    if (added.length === 0) return
    this.store.add(added.map((c) => [c, userId]))
    const owners = (this.map ??= new Map())
    for (const c of added) owners.set(c, userId)
  }

  get size(): number {
    return this.owners?.size ?? 0
  }
}
