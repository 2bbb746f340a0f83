/**
 * The shared ranking of a task's workspace room, remembered after it was read so that a room
 * need not be loaded again to read the same ranking. A loaded room is always read live; a
 * remembered ranking is forgotten as soon as its room stores a change (`forget`, wired to the
 * rooms' change hook), and is kept per task revision. A room changes only while it is loaded, so
 * what is remembered of an unloaded room is what its storage holds.
 */
import { readRanking } from '../../shared/ranking'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'
import type { Task } from '../../shared/types'
import type { Rooms } from '../sync/rooms'

/** Remembered workspace rankings, one per task (its latest revision read). */
export class WorkspaceRankings {
  /** room name → the revision it was read at and its ranking */
  private readonly known = new Map<string, { revision: number; ranking: readonly string[] }>()

  /** The ranking in `task`'s workspace room (best first), loading the room only if nothing is remembered. */
  async of(rooms: Rooms, task: Task): Promise<readonly string[]> {
    const name = roomName.workspace(task.id)
    const ids = task.candidates.map((c) => c.id)
    const loaded = rooms.peek(name)
    if (loaded) return readRanking(getWorkspace(loaded.doc).ranking, ids)
    const known = this.known.get(name)
    if (known && known.revision === task.revision) return known.ranking
    const room = await rooms.open(name)
    const ranking = readRanking(getWorkspace(room.doc).ranking, ids)
    this.known.set(name, { revision: task.revision, ranking })
    return ranking
  }

  /** Forgets what was read of room `name` (its document changed). */
  forget(name: string): void {
    this.known.delete(name)
  }
}
