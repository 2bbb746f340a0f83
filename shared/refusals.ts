/**
 * Write refusals: the reason a room gives, in the protocol's auth message, when its write rules
 * drop an update (someone else's comment, a server-written root, a submitted ballot). The prefix
 * tells a client that its document now holds what the room refused and must be loaded afresh, as
 * opposed to a read-only room, which refuses every write and keeps the client's copy.
 */

/** The prefix of every rule refusal's reason. */
export const REFUSED_PREFIX = 'refused: '

/** The refusal's reason without its prefix, or null when `reason` is not a rule refusal. */
export function readRefusal(reason: string): string | null {
  return reason.startsWith(REFUSED_PREFIX) ? reason.slice(REFUSED_PREFIX.length) : null
}
