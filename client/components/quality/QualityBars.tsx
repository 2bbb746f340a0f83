/**
 * One small bar chart per annotator: gold top-1 and first-time-right from the left on a 0–100%
 * scale; gold tau-b (−1 to 1) from a zero line in the middle of its track, rightwards when
 * positive and leftwards in another colour when negative, its value printed with its sign. Plain
 * SVG with the figures as its accessible name; a figure with nothing to measure draws no bar and reads "—".
 */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { QualityRow } from '../../../shared/quality'
import { formatShare, formatTau } from '../workspace/ballot/agreementFormat'

interface Bar {
  label: string
  /** 0–1 from the left, or −1–1 from the middle when `signed`; null draws none. */
  share: number | null
  signed: boolean
  text: string
  color: string
}

function barsOf(row: QualityRow): Bar[] {
  return [
    { label: 'Gold tau-b', share: row.gold_tau_b, signed: true, text: formatTau(row.gold_tau_b), color: '#2f5fd0' },
    { label: 'Gold top-1', share: row.gold_top1, signed: false, text: formatShare(row.gold_top1), color: '#2f7d32' },
    { label: 'First time right', share: row.first_time_right, signed: false, text: formatShare(row.first_time_right), color: '#9a5b00' },
  ]
}

const WIDTH = 280
const LABEL = 110
const VALUE = 44
const ROW = 22
const NEGATIVE = '#b3261e'

/** Where a bar starts and how long it is along a track of `track` units starting at 0. */
function extent(bar: Bar, track: number): { x: number; width: number } | null {
  if (bar.share === null) return null
  if (!bar.signed) return { x: 0, width: Math.max(0, Math.min(1, bar.share)) * track }
  const half = track / 2
  const length = Math.min(1, Math.abs(bar.share)) * half
  return bar.share < 0 ? { x: half - length, width: length } : { x: half, width: length }
}

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
              {(() => {
                const e = extent(bar, track)
                const negative = bar.signed && (bar.share ?? 0) < 0
                return e && (
                  <rect
                    class="quality-bar"
                    data-sign={bar.signed ? (negative ? 'negative' : 'positive') : undefined}
                    x={LABEL + e.x}
                    y="4"
                    width={e.width}
                    height={ROW - 8}
                    fill={negative ? NEGATIVE : bar.color}
                  />
                )
              })()}
              {bar.signed && <line class="quality-zero" x1={LABEL + track / 2} x2={LABEL + track / 2} y1="1" y2={ROW - 1} stroke="currentColor" />}
              <text x={WIDTH - 2} y={ROW / 2 + 4} font-size="12" text-anchor="end" fill="currentColor">{bar.text}</text>
            </g>
          )}
        </For>
      </svg>
    </figure>
  )
}
