/** The quality table's columns: heading, how a figure reads, and the order a column sorts in. */
import type { QualityRow } from '../../../shared/quality'
import { formatShare, formatTau } from '../workspace/ballot/agreementFormat'

export type QualityKey = keyof Omit<QualityRow, 'user'>

export interface QualityColumn {
  key: QualityKey
  label: string
  /** What the heading's title explains. */
  help: string
  format: (row: QualityRow) => string
  numeric: boolean
}

const count = (n: number) => String(n)
const minutes = (m: number | null) => (m === null ? '—' : m < 10 ? m.toFixed(1) : String(Math.round(m)))

export const QUALITY_COLUMNS: readonly QualityColumn[] = [
  { key: 'name', label: 'Annotator', help: 'Who', format: (r) => r.name, numeric: false },
  { key: 'submitted', label: 'Submitted', help: 'Tasks they submitted (work or ballot)', format: (r) => count(r.submitted), numeric: true },
  { key: 'gold_judged', label: 'Gold judged', help: 'Gold tasks their ranking was compared on', format: (r) => count(r.gold_judged), numeric: true },
  { key: 'gold_tau_b', label: 'Gold tau-b', help: 'Mean Kendall tau-b of their ranking against gold (−1 to 1)', format: (r) => formatTau(r.gold_tau_b), numeric: true },
  { key: 'gold_top1', label: 'Gold top-1', help: 'Share of gold tasks where their first is gold’s first', format: (r) => formatShare(r.gold_top1), numeric: true },
  { key: 'first_time_right', label: 'First time right', help: 'Share of their decided submissions finalized without a request for changes', format: (r) => formatShare(r.first_time_right), numeric: true },
  { key: 'median_active_minutes', label: 'Median minutes', help: 'Median active minutes per task they worked on', format: (r) => minutes(r.median_active_minutes), numeric: true },
  { key: 'peer_tau_b', label: 'Peer tau-b', help: 'Mean tau-b of their ballots against the other ballots on the same tasks (independent mode)', format: (r) => formatTau(r.peer_tau_b), numeric: true },
]

export function isQualityKey(key: string | undefined): key is QualityKey {
  return QUALITY_COLUMNS.some((c) => c.key === key)
}

/** Names in natural order: "Ann 2" before "Ann 10". */
const byName = new Intl.Collator(undefined, { numeric: true })

/** Rows sorted by `key`; null figures always last, ties by name. */
export function sortRows(rows: readonly QualityRow[], key: QualityKey, descending: boolean): QualityRow[] {
  const dir = descending ? -1 : 1
  return [...rows].sort((a, b) => {
    const [x, y] = [a[key], b[key]]
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1
    } else if (x !== y) {
      return (typeof x === 'string' ? byName.compare(x, y as string) : x - (y as number)) * dir
    }
    return byName.compare(a.name, b.name)
  })
}
