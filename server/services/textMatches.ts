/**
 * What `q` matched, remembered: the list searches a task's id, title and prompt case-insensitively,
 * and a task's text never changes once imported, so each answer is kept per query text (a few
 * recent ones) and per task. Paging through a search, reloading its first page after a live
 * event, or typing one more letter (whose matches lie within the shorter text's) then costs
 * little; only text never searched before is read in full.
 */

/** Per task: not yet known, matches, does not match. */
const UNKNOWN = 0
const YES = 1
const NO = 2

/** Query texts remembered; the least recently used is dropped. Each costs one byte per task. */
const MAX_REMEMBERED = 16

/** What a search reads of a task. */
export interface Searchable {
  id: string
  title: string
  text: string
}

class Remembered {
  states: Uint8Array
  constructor(
    readonly needle: string,
    readonly pattern: RegExp,
    size: number,
  ) {
    this.states = new Uint8Array(Math.max(size, 1024))
  }

  state(slot: number): number {
    return slot < this.states.length ? this.states[slot] : UNKNOWN
  }

  set(slot: number, value: number): void {
    if (slot >= this.states.length) {
      const grown = new Uint8Array(Math.max(slot + 1, this.states.length * 2))
      grown.set(this.states)
      this.states = grown
    }
    this.states[slot] = value
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A per-slot filter of a needle: `exact` ones answer the match, others never wrongly say no. */
export interface TextFilter {
  test(slot: number): boolean
  exact: boolean
}

/** Remembered `q` answers over one index's slots. */
export class TextMatches {
  private readonly remembered = new Map<string, Remembered>()

  /**
   * A test of `q` (case-insensitive substring of id, title or text) by slot; `at` reads a slot's
   * task and `size` is the number of slots so far. The test answers from memory when it can.
   */
  matcher(q: string, size: number, at: (slot: number) => Searchable, filter: TextFilter | null = null): (slot: number) => boolean {
    // An exact filter is the answer itself: nothing to read, nothing worth remembering.
    if (filter?.exact) return filter.test
    const mayMatch = filter ? filter.test : null
    const needle = q.toLowerCase()
    let r = this.remembered.get(needle)
    if (r) this.remembered.delete(needle)
    else r = new Remembered(needle, new RegExp(escapeRegExp(q), 'i'), size)
    this.remembered.set(needle, r)
    while (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!)
    // A shorter remembered text inside this one: whatever it did not match, this cannot match.
    const within = [...this.remembered.values()].filter((o) => o !== r && needle.includes(o.needle))
    const found = r
    return (slot) => {
      const known = found.state(slot)
      if (known !== UNKNOWN) return known === YES
      let yes = !within.some((o) => o.state(slot) === NO) && (!mayMatch || mayMatch(slot))
      if (yes) {
        const e = at(slot)
        yes = found.pattern.test(e.id) || found.pattern.test(e.title) || found.pattern.test(e.text)
      }
      found.set(slot, yes ? YES : NO)
      return yes
    }
  }

  /** Forgets every answer about `slot` (its text changed). */
  forget(slot: number): void {
    for (const r of this.remembered.values()) if (slot < r.states.length) r.states[slot] = UNKNOWN
  }
}
