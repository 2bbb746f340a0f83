/**
 * The room bus between instances: per room, an ordered and replayable stream of what one instance
 * tells the others (document updates it committed, presence, access changes), and one
 * workspace-wide stream for events that are not a room's (dashboard events, sign-outs). A
 * subscriber names the last message id it applied and receives everything after it, in order;
 * a reconnect resumes from there. A stream is trimmed, so a subscriber that fell too far behind
 * is told (`onGap`) and catches up from the room log instead. One malformed entry is reported and
 * skipped; it never stalls the stream or any other room.
 */

/**
 * What a message carries. `update` messages carry the room log's sequence number. A
 * `presence-query` (empty) asks the other instances to say their own connections' presence again.
 */
export type BusKind = 'update' | 'presence' | 'presence-query' | 'access' | 'event'

export interface BusMessage {
  /** The stream's id for this message (opaque, increasing within a stream). */
  id: string
  /** The publishing instance's id; an instance ignores its own messages. */
  from: string
  kind: BusKind
  payload: Uint8Array
  /** For `update`: the room log sequence number the update was committed at. */
  seq?: number
}

export interface BusSubscriber {
  onMessage(message: BusMessage): void
  /** Messages after `afterId` were trimmed before this subscriber read them. */
  onGap(afterId: string | null): void
  /** An entry that did not parse, skipped. */
  onBadEntry?(id: string, problem: string): void
}

/** The stream a subscription reads: a room's, or the workspace-wide one. */
export type BusStream = { room: string } | { workspace: true }

export interface RoomBus {
  /** This instance's id, as it appears in `BusMessage.from`. */
  readonly instanceId: string
  /** Appends a message; resolves with its id. */
  publish(stream: BusStream, kind: BusKind, payload: Uint8Array, seq?: number): Promise<string>
  /**
   * The id of the stream's newest message (a stream never written: '0-0'). Subscribing after it
   * and then reading the room log misses nothing: what was published before it was committed
   * before the read.
   */
  position(stream: BusStream): Promise<string>
  /**
   * Delivers every message after `afterId` (null: only those published from now on), in order,
   * until the returned function is called.
   */
  subscribe(stream: BusStream, afterId: string | null, subscriber: BusSubscriber): () => void
  /** Connected or not, and how far behind the newest entry each subscription is (ms). */
  health(): { connected: boolean; lagMs: number }
  close(): Promise<void>
}
