/**
 * What the Redis room bus knows about each stream it reads: the subscriptions on it, each with the
 * last id it was given, and how the stream stands (behind, or unreadable for a while). Delivery is
 * here too: in order, from each subscription's own position, and a subscriber that throws or an
 * entry that does not parse costs that one entry, never the stream.
 */
import type { BusSubscriber } from '../roomBus'
import { decodeEntry } from './busEntry'
import type { DecodedEntry } from './busEntry'
import { ZERO_ID, compareIds, idTime, isStreamId } from './streamIds'

export interface Subscription {
  readonly key: string
  readonly subscriber: BusSubscriber
  /** The last id delivered (or the resolved start); null while a "from now on" start is resolved. */
  position: string | null
  active: boolean
  /** Read with a trim check (atomic XINFO + XRANGE) until a read finds it caught up. */
  needsCheck: boolean
  /** The position at which a gap was last reported, so one loss is reported once. */
  gapReportedAt: string | null
}

export class StreamState {
  readonly subs = new Set<Subscription>()
  /** Redis time (ms) of the oldest entry known to exist and not delivered yet; null when none. */
  behindSince: number | null = null
  /** While the key cannot be read as a stream (another type under our name), when to try again. */
  brokenUntil = 0
  brokenProblem: string | null = null
  constructor(readonly key: string) {}
}

/** An entry as XREAD and XRANGE return it with buffers. */
export type RawEntry = [id: Buffer, fields: Buffer[]]

export interface DeliveryContext {
  instanceId: string
  onError(err: unknown): void
}

function guarded(ctx: DeliveryContext, call: () => void): void {
  try {
    call()
  } catch (err) {
    ctx.onError(err)
  }
}

/**
 * Gives each active subscription of `subs` the entries after its position, oldest first, skipping
 * its own instance's messages (they still advance the position).
 */
export function deliver(entries: RawEntry[], subs: Subscription[], ctx: DeliveryContext): void {
  for (const [rawId, fields] of entries) {
    const id = rawId.toString('latin1')
    if (!isStreamId(id)) continue
    let decoded: DecodedEntry | null = null
    for (const sub of subs) {
      if (!sub.active || sub.position === null || compareIds(id, sub.position) <= 0) continue
      sub.position = id
      decoded ??= decodeEntry(id, fields)
      if (!decoded.ok) {
        const problem = decoded.problem
        if (sub.subscriber.onBadEntry) guarded(ctx, () => sub.subscriber.onBadEntry!(id, problem))
      } else if (decoded.message.from !== ctx.instanceId) {
        const message = decoded.message
        guarded(ctx, () => sub.subscriber.onMessage(message))
      }
    }
  }
}

/** What XINFO STREAM tells about trims and deletes; null for a stream that does not exist. */
export interface StreamInfo {
  length: number
  lastGenerated: string
  /** Newest id removed by XDEL (Redis 7 does not count trims here). */
  maxDeleted: string
  /** Entries ever added; null before Redis 7. */
  entriesAdded: number | null
  /** The oldest entry still held; null when empty. */
  firstId: string | null
}

function field(info: unknown[], name: string): unknown {
  for (let i = 0; i + 1 < info.length; i += 2) if (String(info[i]) === name) return info[i + 1]
  return undefined
}

function idOr(value: unknown, fallback: string): string {
  return isStreamId(String(value)) ? String(value) : fallback
}

/** Reads XINFO STREAM's flat `[name, value, …]` reply. */
export function parseStreamInfo(info: unknown): StreamInfo {
  if (!Array.isArray(info)) throw new Error('XINFO STREAM did not answer a list')
  const length = Number(field(info, 'length'))
  const added = field(info, 'entries-added')
  const first = field(info, 'first-entry')
  const recorded = field(info, 'recorded-first-entry-id')
  const firstId = length > 0 ? (recorded !== undefined ? idOr(recorded, ZERO_ID) : Array.isArray(first) ? idOr(first[0], ZERO_ID) : null) : null
  return {
    length: Number.isSafeInteger(length) ? length : 0,
    lastGenerated: idOr(field(info, 'last-generated-id'), ZERO_ID),
    maxDeleted: idOr(field(info, 'max-deleted-entry-id'), ZERO_ID),
    entriesAdded: added === undefined ? null : Number(added),
    firstId,
  }
}

/**
 * Whether entries after `position` are gone: deleted after it, or trimmed up to an oldest entry
 * newer than it (trims remove the oldest first, so what lay between is lost), or the whole stream
 * gone while the position says it had entries. A position just before the oldest entry also counts
 * (the trim may have stopped right after it): a needless catch-up, never a silent loss.
 */
export function lostAfter(info: StreamInfo | null, position: string): boolean {
  if (info === null) return position !== ZERO_ID
  if (compareIds(info.maxDeleted, position) > 0) return true
  if (info.entriesAdded !== null && info.entriesAdded <= info.length) return false
  if (info.firstId === null) return compareIds(info.lastGenerated, position) > 0
  return compareIds(info.firstId, position) > 0
}

/** Tells a subscriber that what followed its position is gone, once per position. */
export function reportGap(sub: Subscription, ctx: DeliveryContext): void {
  if (!sub.active || sub.position === null || sub.gapReportedAt === sub.position) return
  const after = sub.position
  sub.gapReportedAt = after
  guarded(ctx, () => sub.subscriber.onGap(after))
}

/** Reports an unreadable stream to its subscribers, once per breakage, and rests it for `retryMs`. */
export function markBroken(state: StreamState, problem: string, retryMs: number, ctx: DeliveryContext): void {
  state.brokenUntil = Date.now() + retryMs
  if (state.brokenProblem !== null) return
  state.brokenProblem = problem
  for (const sub of state.subs) {
    if (sub.active && sub.position !== null && sub.subscriber.onBadEntry) {
      const at = sub.position
      guarded(ctx, () => sub.subscriber.onBadEntry!(at, `the stream cannot be read: ${problem}`))
    }
  }
}

export function clearBroken(state: StreamState): void {
  state.brokenUntil = 0
  state.brokenProblem = null
}

/** The id's Redis time, for lag. */
export function entryTime(entry: RawEntry): number {
  return idTime(entry[0].toString('latin1'))
}
