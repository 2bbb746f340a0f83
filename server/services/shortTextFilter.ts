/**
 * Per task, exactly which one- and two-character sequences its searchable texts hold, for the
 * searches too short for the trigram filter (the first letters typed into a search box). A
 * search is case-insensitive over ASCII (a RegExp with `i` and no `u` folds ASCII letters only
 * to ASCII letters), so the sets hold folded characters:
 * - every ASCII character a text holds: 128 bits, exact;
 * - every pair of neighbouring characters within one text, over letters, digits and `_` (37
 *   symbols) with every other character as one more symbol: 38 × 38 bits, exact for a pair of
 *   letters, digits and `_`, and a filter (never a false "no") for a pair with anything else.
 * 200 bytes a task. An exact answer is the answer: the task's text is never read.
 */
import { SlotWords } from './slotWords'
import type { TextFilter } from './textMatches'

const UNI_WORDS = 4
const SYMBOLS = 38
const OTHER = SYMBOLS - 1
const BI_WORDS = Math.ceil((SYMBOLS * SYMBOLS) / 32)
const WORDS = UNI_WORDS + BI_WORDS

/** A letter, digit or `_` as 0..36 (letters folded to lower case); anything else OTHER. */
function symbol(c: number): number {
  if (c >= 97 && c <= 122) return c - 97
  if (c >= 65 && c <= 90) return c - 65
  if (c >= 48 && c <= 57) return 26 + c - 48
  return c === 95 ? 36 : OTHER
}

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c
}

export class ShortTextFilter {
  private readonly rows = new SlotWords(WORDS)

  /** Sets `slot`'s sets from its texts (replacing what they held). */
  set(slot: number, texts: readonly string[]): void {
    const base = this.rows.clear(slot)
    const words = this.rows.words
    for (const text of texts) {
      let prev = -1
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (c < 128) {
          const f = fold(c)
          words[base + (f >>> 5)] |= 1 << (f & 31)
        }
        const s = symbol(c)
        if (prev >= 0) {
          const k = prev * SYMBOLS + s
          words[base + UNI_WORDS + (k >>> 5)] |= 1 << (k & 31)
        }
        prev = s
      }
    }
  }

  /**
   * A test by slot for a one- or two-character ASCII needle, valid until the next `set`; null
   * for anything else (longer, empty, or outside ASCII).
   */
  tester(needle: string): TextFilter | null {
    // eslint-disable-next-line no-control-regex -- ASCII is exactly what the folding covers
    if (needle.length < 1 || needle.length > 2 || !/^[\x00-\x7f]*$/.test(needle)) return null
    // A slot never set holds nothing; the index sets every slot it makes.
    const words = this.rows.words
    if (needle.length === 1) {
      const f = fold(needle.charCodeAt(0))
      const offset = f >>> 5
      const mask = 1 << (f & 31)
      return {
        exact: true,
        test: (slot) => {
          const base = slot * WORDS
          return base < words.length && (words[base + offset] & mask) !== 0
        },
      }
    }
    const a = symbol(needle.charCodeAt(0))
    const b = symbol(needle.charCodeAt(1))
    const k = a * SYMBOLS + b
    const offset = UNI_WORDS + (k >>> 5)
    const mask = 1 << (k & 31)
    return {
      exact: a !== OTHER && b !== OTHER,
      test: (slot) => {
        const base = slot * WORDS
        return base < words.length && (words[base + offset] & mask) !== 0
      },
    }
  }
}
