/**
 * One small bar chart per annotator: gold tau-b, gold top-1 and first-time-right on one 0–100%
 * scale (tau-b from −1 to 1 drawn as (tau + 1) / 2, its value printed as it is). Plain SVG with
 * the figures as its accessible name; a figure with nothing to measure draws no bar and reads "—".
 */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { QualityRow } from '../../../shared/quality'
import { formatShare, formatTau } from '../workspace/ballot/agreementFormat'

interface Bar {
  label: string
  /** 0–1: the bar's length; null draws none. */
  share: number | null
  text: string
  color: string
}

function barsOf(row: QualityRow): Bar[] {
  return [
    { label: 'Gold tau-b', share: row.gold_tau_b === null ? null : (row.gold_tau_b + 1) / 2, text: formatTau(row.gold_tau_b), color: '#2f5fd0' },
    { label: 'Gold top-1', share: row.gold_top1, text: formatShare(row.gold_top1), color: '#2f7d32' },
    { label: 'First time right', share: row.first_time_right, text: formatShare(row.first_time_right), color: '#9a5b00' },
  ]
}

const WIDTH = 280
const LABEL = 110
const VALUE = 44
const ROW = 22

export const QualityBars: Component<{ row: QualityRow }> = (props) => {
  const bars = () => barsOf(props.row)
  const summary = () => `${props.row.name}: ${bars().map((b) => `${b.label} ${b.text}`).join(', ')}`
  const track = WIDTH - LABEL - VALUE
  return (
    <figure class="quality-card" data-user={props.row.user}>
      <figcaption>{props.row.name}</figcaption>
      <svg role="img" aria-label={summary()} viewBox={`0 0 ${WIDTH} ${ROW * 3}`} width={WIDTH} height={ROW * 3}>
        <For each={bars()}>
          {(bar, i) => (
            <g transform={`translate(0 ${i() * ROW})`} data-bar={bar.label}>
              <text x="0" y={ROW / 2 + 4} font-size="12" fill="currentColor">{bar.label}</text>
              <rect x={LABEL} y="4" width={track} height={ROW - 8} fill="#e8eaef" />
              {bar.share !== null && (
                <rect class="quality-bar" x={LABEL} y="4" width={Math.max(0, Math.min(1, bar.share)) * track} height={ROW - 8} fill={bar.color} />
              )}
              <text x={WIDTH - 2} y={ROW / 2 + 4} font-size="12" text-anchor="end" fill="currentColor">{bar.text}</text>
            </g>
          )}
        </For>
      </svg>
    </figure>
  )
}
