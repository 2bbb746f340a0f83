/**
 * Small, stable, seeded functions for orders that must be the same on every machine and every
 * day (blind letters, export shuffles, seeded Yjs client ids, repeatable tests). Not for secrets.
 */

/** FNV-1a's 32-bit offset basis: the hash of the empty string. */
export const FNV_OFFSET = 0x811c9dc5

/**
 * FNV-1a (32-bit) over the UTF-16 code units of `text`. Pass a previous result as `hash` to go on
 * hashing: `fnv1a(b, fnv1a(a))` equals `fnv1a(a + b)` without building the joined string.
 */
export function fnv1a(text: string, hash: number = FNV_OFFSET): number {
  let h = hash
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** mulberry32: a tiny seeded PRNG giving floats in [0, 1); enough for fair shuffles of small lists. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A Fisher–Yates shuffle of `items` driven by `random`: a new array, `items` untouched. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}
