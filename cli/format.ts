/** Plain-text output helpers: aligned tables and key–value blocks, safe for a terminal. */

/** Replaces control characters so a user name cannot move the cursor or recolour the terminal. */
export function toPrintable(value: unknown): string {
  return String(value ?? '').replace(/[\p{Cc}\u2028\u2029]/gu, '?')
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(header: string[], rows: unknown[][]): string {
  const cells = [header, ...rows.map((r) => r.map(toPrintable))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  return cells
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '))
    .join('\n')
}

/** `key  value` lines with the keys aligned. */
export function formatFields(fields: [string, unknown][]): string {
  const width = Math.max(...fields.map(([k]) => k.length))
  return fields.map(([k, v]) => `${k.padEnd(width)}  ${toPrintable(v)}`).join('\n')
}
