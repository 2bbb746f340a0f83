/** Cell formatting of the report's markdown tables, and the marker for capped figures. */
import { isSaturated, type RunRow } from './measure'

/** A number with fixed digits, or n/a. */
export const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a')
/** Milliseconds: two decimals below 10 ms, one above. */
export const ms = (x: number) =>
  Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : 'n/a'
/** A ratio as a percentage, with two decimals just below 100% so 99.97% never reads as 100%. */
export const pct = (x: number) =>
  Number.isFinite(x) ? `${(x * 100).toFixed(x >= 0.9995 && x < 1 ? 2 : 1)}%` : 'n/a'
/** Bytes as whole KB. */
export const kb = (bytes: number) =>
  Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(0)}` : 'n/a'

/** A markdown table. */
export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

/**
 * Marks a figure measured while the load generator was saturated: the generator, not the server,
 * set it, so it is a bound and never a headline.
 */
export const CAPPED = '‡'

/** The legend printed under the run's header. */
export const CAPPED_LEGEND =
  `${CAPPED}: load generator saturated (over 85% of its core or 90% event-loop use) while this ` +
  "figure was measured; the figure is capped by the load generator, not the server's."

/** `text`, marked when `saturated`. */
export const mark = (text: string, saturated: boolean) => (saturated ? `${text} ${CAPPED}` : text)

/** Whether a row's load generator was saturated (results saved before the flag existed too). */
export const rowSaturated = (r: RunRow): boolean => r.loadgen.saturated ?? isSaturated(r.loadgen)

/** Median (the lower middle for an even count, so it is always a real round) and range. */
export function medianOf(values: number[]): { median: number; min: number; max: number } {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (!v.length) return { median: NaN, min: NaN, max: NaN }
  return { median: v[Math.floor((v.length - 1) / 2)], min: v[0], max: v[v.length - 1] }
}
