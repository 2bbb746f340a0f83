/**
 * Whether an annotator's ballot of a task is submitted, remembered per ballot room: read once
 * from the room, then kept current from every change the room stores (only the server writes a
 * submission, and every write, the server's own included, goes through a stored turn).
 */
import { readSubmission } from '../../shared/ballots'
import { parseRoomName, roomName } from '../../shared/roomNames'
import type { Room } from '../sync/room'
import type { Rooms } from '../sync/rooms'

export class BallotSubmissions {
  /** Ballot room name → submitted, for rooms read or changed since start. */
  private readonly known = new Map<string, boolean>()
  private rooms: Rooms | null = null

  attach(rooms: Rooms): void {
    this.rooms = rooms
  }

  /** Rooms call this after a stored change: a ballot's submission may have come or gone. */
  onChange(room: Room): void {
    if (parseRoomName(room.name)?.kind !== 'ballot' || room.broken) return
    this.known.set(room.name, readSubmission(room.doc) !== null)
  }

  /** Whether `userId` submitted their ballot of `taskId`; reads the room (without loading it) the first time only. */
  async submitted(taskId: string, userId: string): Promise<boolean> {
    const name = roomName.ballot(taskId, userId)
    const known = this.known.get(name)
    if (known !== undefined) return known
    if (!this.rooms) throw new Error('ballot submissions read before the rooms were attached')
    const submitted = readSubmission(await this.rooms.readDoc(name)) !== null
    // A change stored while the room loaded was recorded by onChange; it is the newer answer.
    if (!this.known.has(name)) this.known.set(name, submitted)
    return this.known.get(name)!
  }
}
