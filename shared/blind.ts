/**
 * Blind judging (issue 11.2): the order and letters annotators see a task's candidates in. The
 * order is a shuffle seeded by the task id alone, so everyone on a task sees the same A, B, C…
 * on every device and every day, and nothing about it depends on the import order or the models.
 */

/** FNV-1a over the UTF-16 code units of `s`: a small, stable 32-bit seed from a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** mulberry32: a tiny seeded PRNG giving floats in [0, 1); enough for a fair shuffle of ≤ 26 items. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The blind order of `ids` for task `taskId`: a Fisher–Yates shuffle driven by the task id's
 * hash. A permutation of `ids` (a new array); the same inputs always give the same order.
 */
export function blindOrder<T extends string>(taskId: string, ids: readonly T[]): T[] {
  const out = [...ids]
  const random = seededRandom(hashString(`codejury-blind:${taskId}`))
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** The letter of the candidate shown at `index` (0 → "A"); past Z it goes on as AA, AB… */
export function blindLetter(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`no letter for index ${index}`)
  let n = index
  let s = ''
  do {
    s = String.fromCharCode(65 + (n % 26)) + s
    n = Math.floor(n / 26) - 1
  } while (n >= 0)
  return s
}

/** Candidate id → its letter in the blind order of task `taskId`. */
export function blindLabels(taskId: string, ids: readonly string[]): Map<string, string> {
  return new Map(blindOrder(taskId, ids).map((id, i) => [id, blindLetter(i)]))
}
