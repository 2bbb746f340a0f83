/**
 * Redis stream ids (`<ms>-<seq>`, both unsigned 64-bit decimals) as strings. They are compared
 * digit-wise, never through `Number`, because a sequence part can pass 2^53.
 */

const ID = /^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,19})$/

/** The smallest id: "nothing delivered yet". */
export const ZERO_ID = '0-0'

/** Whether `s` is a complete stream id (`1700000000000-0`), as XADD returns them. */
export function isStreamId(s: unknown): s is string {
  return typeof s === 'string' && ID.test(s)
}

function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Negative when `a` comes before `b`, 0 when equal, positive after. Both must be stream ids. */
export function compareIds(a: string, b: string): number {
  const da = a.indexOf('-')
  const db = b.indexOf('-')
  return compareDecimal(a.slice(0, da), b.slice(0, db)) || compareDecimal(a.slice(da + 1), b.slice(db + 1))
}

/** The later of two ids. */
export function maxId(a: string, b: string): string {
  return compareIds(a, b) >= 0 ? a : b
}

/** The Redis server's clock (ms since the epoch) when the entry was added. */
export function idTime(id: string): number {
  return Number(id.slice(0, id.indexOf('-')))
}
