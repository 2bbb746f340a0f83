/**
 * What was read from rooms that are not loaded, remembered so the same room need not be read
 * again: a workspace's shared ranking, a person's ballot. A loaded room is always read live; an
 * unloaded one is read from storage without loading it (`Rooms.readDoc`), and what was read is
 * kept per task revision until its room stores a change (`forget`, wired to the rooms' change
 * hook). A room changes only while it is loaded, so what is remembered of an unloaded room is
 * what its storage holds.
 */
import type * as Y from 'yjs'
import type { Rooms } from '../sync/rooms'

/** Remembered readings, one per room (its latest task revision read). */
export class RoomReadings {
  /** room name → the task revision it was read at and what was read */
  private readonly known = new Map<string, { revision: number; value: unknown }>()

  /**
   * `read` applied to room `name`'s document: live when the room is loaded, else remembered
   * for `revision` or read from storage. Each room name must always be read with the same `read`.
   */
  async of<T>(rooms: Rooms, name: string, revision: number, read: (doc: Y.Doc) => T): Promise<T> {
    const loaded = rooms.peek(name)
    if (loaded) return read(loaded.doc)
    const known = this.known.get(name)
    if (known && known.revision === revision) return known.value as T
    const value = read(await rooms.readDoc(name))
    // The room may have loaded and changed while storage was read: remember only a quiet read.
    if (!rooms.peek(name)) this.known.set(name, { revision, value })
    return value
  }

  /** Forgets what was read of room `name` (its document changed). */
  forget(name: string): void {
    this.known.delete(name)
  }
}
