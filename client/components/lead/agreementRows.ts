/**
 * Which tasks the agreement chart and table show, so neither grows with the batch: the chart draws
 * at most MAX_AGREEMENT_BARS tasks, the lowest tau-b first chosen, and the table lists tasks lowest
 * agreement first, a page at a time.
 */
import type { TaskStats } from '../../../shared/stats'

/** Bars the agreement chart draws at most; past this the lowest-agreement tasks are chosen. */
export const MAX_AGREEMENT_BARS = 100
/** Rows the agreement table adds per page ("Show 100 more"). */
export const AGREEMENT_PAGE_ROWS = 100

const byId = (a: TaskStats, b: TaskStats) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** Lowest mean tau-b first, then lowest top-1 agreement; tasks without a value last; ties by id. */
export function lowestAgreementFirst(tasks: readonly TaskStats[]): TaskStats[] {
  const key = (v: number | null) => (v === null ? Infinity : v)
  return [...tasks].sort(
    (a, b) => key(a.mean_tau_b) - key(b.mean_tau_b) || key(a.top1_agreement) - key(b.top1_agreement) || byId(a, b),
  )
}

/**
 * The tasks the chart draws, in id order: those with a mean tau-b, cut to the
 * MAX_AGREEMENT_BARS lowest when there are more. `of` is how many had a value.
 */
export function chartTasks(tasks: readonly TaskStats[]): { shown: TaskStats[]; of: number } {
  const compared = tasks.filter((t) => t.mean_tau_b !== null)
  const shown = compared.length > MAX_AGREEMENT_BARS ? lowestAgreementFirst(compared).slice(0, MAX_AGREEMENT_BARS) : compared
  return { shown: shown.sort(byId), of: compared.length }
}
