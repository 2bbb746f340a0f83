/** Keyboard for the rubric grid: digits score, Backspace/Delete clear, arrows/Home/End move. */
import type { RubricCriterion } from '../../../../shared/types'
import { scoreForKey } from '../../../stores/ratings'

export interface RubricKeysOptions {
  table: () => HTMLElement
  size: () => { rows: number; cols: number }
  readOnly: () => boolean
  criterion: (col: number) => RubricCriterion
  /** Writes a score (null clears); false when the candidate's ratings are not loaded yet. */
  set: (row: number, col: number, score: number | null) => boolean
  /** Tells screen-reader users what happened (an aria-live region). */
  say: (message: string) => void
}

const MOVES: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
}

/** The grid's key handler and a way to focus a cell (for moves and for following someone). */
export function createRubricKeys(options: RubricKeysOptions) {
  const cell = (row: number, col: number) =>
    options.table().querySelector<HTMLElement>(`[role="gridcell"][data-row="${row}"][data-col="${col}"]`)
  const focusCell = (row: number, col: number) => {
    const { rows, cols } = options.size()
    cell(Math.max(0, Math.min(row, rows - 1)), Math.max(0, Math.min(col, cols - 1)))?.focus()
  }

  const score = (row: number, col: number, key: string) => {
    const c = options.criterion(col)
    if (options.readOnly()) return options.say('Scores are read-only for you.')
    const value = key === 'Backspace' || key === 'Delete' ? null : scoreForKey(c, key)
    if (value === null && key !== 'Backspace' && key !== 'Delete') {
      return options.say(`${c.name} takes a score from ${c.min} to ${c.max}.`)
    }
    if (!options.set(row, col, value)) return options.say('The ratings are still loading.')
    options.say(value === null ? `${c.name} cleared.` : `${c.name}: ${value} of ${c.max}.`)
  }

  const onKeyDown = (e: KeyboardEvent) => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('[role="gridcell"]')
    if (!target || e.ctrlKey || e.metaKey || e.altKey) return
    const row = Number(target.dataset.row)
    const col = Number(target.dataset.col)
    const move = MOVES[e.key]
    if (move) focusCell(row + move[0], col + move[1])
    else if (e.key === 'Home') focusCell(row, 0)
    else if (e.key === 'End') focusCell(row, options.size().cols - 1)
    else if (/^[0-9]$/.test(e.key) || e.key === 'Backspace' || e.key === 'Delete') score(row, col, e.key)
    else return
    e.preventDefault()
  }

  return { onKeyDown, focusCell }
}
