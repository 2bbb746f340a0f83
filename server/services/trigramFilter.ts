/**
 * A per-task filter of the three-character sequences in its searchable text (1,024 bits a task,
 * ASCII letters folded to lower case): a search for text none of whose trigrams can be missing
 * reads only the tasks whose filter has every one of the needle's bits. Never a false "no": an
 * ASCII needle matches case-insensitively (a RegExp with `i` and no `u` folds ASCII only to
 * ASCII) only where each of its folded trigrams occurs in the folded text.
 */
import { SlotWords } from './slotWords'
import type { TextFilter } from './textMatches'

/** 32-bit words a task: 1,024 bits, for texts of a few hundred distinct trigrams. */
const WORDS = 32
const BITS_MASK = WORDS * 32 - 1

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c
}

function bit(a: number, b: number, c: number): number {
  return (Math.imul((a * 31 + b) * 31 + c, 0x9e3779b1) >>> 16) & BITS_MASK
}

export class TrigramFilter {
  private readonly rows = new SlotWords(WORDS)

  /** Sets `slot`'s filter from its texts (replacing what it held). */
  set(slot: number, texts: readonly string[]): void {
    const base = this.rows.clear(slot)
    const words = this.rows.words
    for (const text of texts) {
      for (let i = 2; i < text.length; i++) {
        const k = bit(fold(text.charCodeAt(i - 2)), fold(text.charCodeAt(i - 1)), fold(text.charCodeAt(i)))
        words[base + (k >>> 5)] |= 1 << (k & 31)
      }
    }
  }

  /**
   * A test by slot that says false only where `needle` cannot occur; null when the filter cannot
   * tell (fewer than three characters, or any character outside ASCII).
   */
  tester(needle: string): TextFilter | null {
    // eslint-disable-next-line no-control-regex -- ASCII is exactly what the folding covers
    if (needle.length < 3 || !/^[\x00-\x7f]*$/.test(needle)) return null
    const keys = new Set<number>()
    for (let i = 2; i < needle.length; i++) {
      keys.add(bit(fold(needle.charCodeAt(i - 2)), fold(needle.charCodeAt(i - 1)), fold(needle.charCodeAt(i))))
    }
    const offsets = [...keys].map((k) => k >>> 5)
    const masks = [...keys].map((k) => 1 << (k & 31))
    const words = this.rows.words
    const test = (slot: number) => {
      const base = slot * WORDS
      if (base >= words.length) return true
      for (let j = 0; j < offsets.length; j++) if ((words[base + offsets[j]] & masks[j]) === 0) return false
      return true
    }
    return { test, exact: false }
  }
}
