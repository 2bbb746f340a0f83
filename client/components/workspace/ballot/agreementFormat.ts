/** How agreement figures read on the page: the same rounding in the live view and the charts. */

/** A tau-b or alpha to two decimals with a real minus sign; a dash when undefined. */
export function formatTau(value: number | null): string {
  if (value === null) return '—'
  const text = value.toFixed(2)
  return text.startsWith('-') ? `−${text.slice(1)}` : text
}

/** A share as a whole percentage; a dash when undefined. */
export function formatShare(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`
}
