/**
 * The keys each ranking list acts on besides ↑/↓ (which move focus within either list). Each
 * returns true when it took the key; a read-only ranking answers every such key with `refused`.
 */

/** What a list's key handler is given: the event, the focused candidate and its index there. */
export type ItemKeys = (e: KeyboardEvent, id: string, index: number) => boolean

interface Common {
  readOnly: () => boolean
  refused: () => void
}

/** The placed list: Delete or Backspace takes a candidate out, Alt+↑/↓ moves it one place. */
export function placedKeys(
  order: () => readonly string[],
  on: Common & { move: (id: string, toIndex: number) => void; unplace: (id: string, index: number) => void },
): ItemKeys {
  return (e, id, index) => {
    if ((e.key === 'Delete' || e.key === 'Backspace') && !e.altKey) {
      if (on.readOnly()) on.refused()
      else on.unplace(id, index)
      return true
    }
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return false
    const to = e.key === 'ArrowUp' ? index - 1 : index + 1
    if (on.readOnly()) on.refused()
    else if (to >= 0 && to < order().length) on.move(id, to)
    return true
  }
}

/** The pool: Enter places a candidate at the end of the ranking. */
export function poolKeys(on: Common & { place: (id: string, index: number) => void }): ItemKeys {
  return (e, id, index) => {
    if (e.key !== 'Enter' || e.altKey) return false
    if (on.readOnly()) on.refused()
    else on.place(id, index)
    return true
  }
}
