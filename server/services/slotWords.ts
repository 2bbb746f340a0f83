/** Fixed-width rows of 32-bit words, one row per slot, grown by doubling: the text filters' bit sets. */
export class SlotWords {
  words: Uint32Array

  constructor(readonly width: number) {
    this.words = new Uint32Array(width * 1024)
  }

  /** Makes room for `slot`, clears its row and returns the row's first index. */
  clear(slot: number): number {
    const base = slot * this.width
    if (base + this.width > this.words.length) {
      const grown = new Uint32Array(Math.max(base + this.width, this.words.length * 2))
      grown.set(this.words)
      this.words = grown
    }
    this.words.fill(0, base, base + this.width)
    return base
  }
}
