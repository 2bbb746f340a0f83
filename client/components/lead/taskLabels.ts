/**
 * Task labels under a bar chart, drawn as text elements rather than on the canvas, and thinned so
 * they never overlap: every k-th label is shown, k the smallest step at which the widest label
 * fits its share of the axis. The full list stays in the chart's table for assistive technology.
 */
import type uPlot from 'uplot'

/** Space kept between two neighbouring labels, in CSS pixels. */
const LABEL_GAP_PX = 6
/** Longer ids are cut, with an ellipsis, so one long id cannot push every other label out. */
const MAX_LABEL_CHARS = 18

function shorten(id: string): string {
  return id.length > MAX_LABEL_CHARS ? `${id.slice(0, MAX_LABEL_CHARS - 1)}…` : id
}

/** The step between shown labels: 1 when all fit, larger as they crowd. */
export function labelStep(count: number, plotWidth: number, widest: number): number {
  if (count <= 1 || plotWidth <= 0) return 1
  const slot = plotWidth / count
  return Math.max(1, Math.ceil((widest + LABEL_GAP_PX) / slot))
}

/** A uPlot `draw` hook that places `ids[i]` under x = i, thinned to every k-th. */
export function taskLabelsHook(ids: readonly string[]): (u: uPlot) => void {
  return (u) => {
    let layer = u.root.querySelector<HTMLDivElement>(':scope > .task-labels')
    if (!layer) {
      layer = document.createElement('div')
      layer.className = 'task-labels'
      u.root.appendChild(layer)
    }
    layer.replaceChildren()
    const over = u.over
    const spans = ids.map((id) => {
      const span = document.createElement('span')
      span.className = 'task-label'
      span.textContent = shorten(id)
      span.title = id
      span.dataset.task = id
      span.style.visibility = 'hidden'
      layer.appendChild(span)
      return span
    })
    const widest = spans.reduce((w, s) => Math.max(w, s.offsetWidth), 0)
    const plot = over.getBoundingClientRect()
    const origin = layer.getBoundingClientRect()
    const step = labelStep(ids.length, plot.width, widest)
    spans.forEach((span, i) => {
      if (i % step !== 0) return span.remove()
      const x = plot.left - origin.left + u.valToPos(i, 'x')
      span.style.left = `${Math.round(x - span.offsetWidth / 2)}px`
      span.style.top = `${Math.round(plot.bottom - origin.top + 4)}px`
      span.style.visibility = ''
    })
    layer.dataset.step = String(step)
  }
}
