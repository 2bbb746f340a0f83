/** The order of a `kto` file: a seeded shuffle of records and rows, interleaved so neighbours rarely share a prompt. */
import { mulberry32, shuffled } from '../seeded'

/**
 * The seed an export uses when `seed=` is not given. The order depends only on the seed and on
 * each record's task id and revision, so the same filters give the same file, and a narrower
 * filter keeps the relative order of the rows it keeps.
 */
export const DEFAULT_KTO_SEED = 0

/** The largest seed accepted (the hash mixes 32 bits of it). */
export const MAX_KTO_SEED = 0xffff_ffff

/**
 * How many rows the interleaver holds before it must emit one. At least twice the most
 * candidates a task can have (26), so one record's rows can always be separated by others';
 * a bound in rows keeps an export's memory flat in the number of records.
 */
export const KTO_WINDOW_ROWS = 256

/** A 53-bit string hash (cyrb53's construction) under a 32-bit seed: the shuffle's sort key. */
export function seededHash(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/** A record's place in the seeded order: its hash, then its key text (hash ties never depend on input order). */
export function seededOrder<T>(items: readonly T[], keyOf: (item: T) => string, seed: number): T[] {
  const keyed = items.map((item) => ({ item, key: keyOf(item), hash: 0 }))
  for (const k of keyed) k.hash = seededHash(k.key, seed)
  keyed.sort((a, b) => a.hash - b.hash || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return keyed.map((k) => k.item)
}

/** One record's rows in a seeded order (Fisher–Yates driven by mulberry32), so the best one is not always first. */
export function seededShuffle<T>(rows: readonly T[], key: string, seed: number): T[] {
  return shuffled(rows, mulberry32(seededHash(`${key}\u0000rows`, seed)))
}

interface Pending<T> {
  seq: number
  group: string
  row: T
}

/**
 * Reorders a stream of rows, each with a group key (its prompt), so that no two neighbours share
 * a key whenever the rows held allow it, while staying close to the arrival order. It holds at
 * most `windowRows` rows. Each emitted row is the oldest whose key differs from the last one's,
 * unless one key holds at least half of what is held: then that key goes first, since only
 * emitting it now keeps it separable (the rule that arranges any multiset in which no key holds
 * more than half, and never needs the rows after it).
 */
export class NeighbourInterleaver<T> {
  private readonly held: Pending<T>[] = []
  private readonly counts = new Map<string, number>()
  private last: string | null = null
  private seq = 0

  constructor(private readonly windowRows = KTO_WINDOW_ROWS) {}

  /** Adds a row; returns the rows that must leave to keep the window bounded (oldest first). */
  push(group: string, row: T): T[] {
    this.held.push({ seq: this.seq++, group, row })
    this.counts.set(group, (this.counts.get(group) ?? 0) + 1)
    const out: T[] = []
    while (this.held.length > this.windowRows) out.push(this.take())
    return out
  }

  /** Emits everything still held, in the same rule's order (the end of the stream). */
  flush(): T[] {
    const out: T[] = []
    while (this.held.length > 0) out.push(this.take())
    return out
  }

  private take(): T {
    const n = this.held.length
    let pick = -1
    let critical: string | null = null
    let most = 0
    for (const [group, count] of this.counts) {
      if (group !== this.last && 2 * count >= n && count > most) {
        critical = group
        most = count
      }
    }
    for (let i = 0; i < n; i++) {
      const g = this.held[i].group
      if (critical !== null ? g === critical : g !== this.last) {
        pick = i
        break
      }
    }
    // Every row held shares the last key: no order avoids a repeat, so keep the arrival order.
    if (pick < 0) pick = 0
    const [p] = this.held.splice(pick, 1)
    const left = (this.counts.get(p.group) ?? 1) - 1
    if (left === 0) this.counts.delete(p.group)
    else this.counts.set(p.group, left)
    this.last = p.group
    return p.row
  }
}
