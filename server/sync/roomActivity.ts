/**
 * What a frame says about its sender's activity, classified by the room from the frame it decoded
 * once (incoming.ts, roomPresence.ts) and handed to time-on-task tracking through a room hook, so
 * nothing else reads the wire. A person is active when they edit, bring offline work (a sync step
 * 2 that carries something) or change their presence (a cursor moved, a selection, a focus);
 * y-websocket's 15-second presence renewal, which repeats the same state, is no activity.
 */
import type { Incoming } from './incoming'

export type RoomActivity =
  /** A document update (applied, or dropped for a read-only connection). */
  | 'edit'
  /** A sync step 2 carrying something: offline work, maybe nothing new. */
  | 'resync'
  /** An awareness state that differs from the connection's previous one. */
  | 'presenceChange'
  /** An awareness state that repeats the connection's previous one (the keep-alive renewal). */
  | 'presenceRenewal'

/** The activity of a decoded sync frame; null for frames that are no act of their sender. */
export function syncActivity(message: Incoming): RoomActivity | null {
  if (message.kind === 'update' || message.kind === 'denied') return message.resync ? 'resync' : 'edit'
  return null
}
