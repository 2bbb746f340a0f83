/** Workspace splits: the widths a person dragged the columns to, remembered per person. */
import { createSignal } from 'solid-js'
import type { Accessor } from 'solid-js'

/** The task column's share of the grid, in percent; the judgment column's width, in px. */
export interface Splits {
  taskPct: number | null
  judgePx: number | null
}

/** Bounds every stored or typed split is clamped to, so a bad value never hides a column. */
export const SPLIT_LIMITS = {
  taskPct: { min: 30, max: 70 },
  judgePx: { min: 260, max: 640 },
} as const

const STEP = { taskPct: 2, judgePx: 20 } as const

/** The localStorage key: per person, so two people sharing a browser keep their own layout. */
export function splitsKey(userId: string): string {
  return `codejury:splits:${userId}`
}

function clamp(key: keyof Splits, value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  const { min, max } = SPLIT_LIMITS[key]
  return Math.min(max, Math.max(min, Math.round(value)))
}

function load(userId: string): Splits {
  try {
    const raw = JSON.parse(localStorage.getItem(splitsKey(userId)) ?? '{}') as Partial<Splits>
    return { taskPct: clamp('taskPct', raw.taskPct), judgePx: clamp('judgePx', raw.judgePx) }
  } catch {
    return { taskPct: null, judgePx: null }
  }
}

/** The splits of one person: read once, written on every change (null = the default width). */
export interface SplitStore {
  splits: Accessor<Splits>
  set(key: keyof Splits, value: number): void
  /** Moves a split by `steps` keyboard steps from `current` (its measured value). */
  step(key: keyof Splits, current: number, steps: number): void
  reset(key: keyof Splits): void
}

/** Creates the store for `userId`; the layout survives reloads and is never shared. */
export function createSplits(userId: string): SplitStore {
  const [splits, setSplits] = createSignal<Splits>(load(userId))
  const save = (next: Splits) => {
    setSplits(next)
    try {
      localStorage.setItem(splitsKey(userId), JSON.stringify(next))
    } catch {
      // Storage full or disabled: the layout still works for this visit.
    }
  }
  return {
    splits,
    set: (key, value) => save({ ...splits(), [key]: clamp(key, value) }),
    step: (key, current, steps) => save({ ...splits(), [key]: clamp(key, current + steps * STEP[key]) }),
    reset: (key) => save({ ...splits(), [key]: null }),
  }
}
