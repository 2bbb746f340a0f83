/**
 * One uPlot chart, sized to its container and redrawn when its data changes. uPlot (~50 KB) is
 * imported only here, and this file only by the lazily loaded StatsCharts, so no other page's
 * bundle carries it. The canvas is hidden from assistive technology: every chart's caller gives a
 * text alternative (an aria-label summary and a table).
 */
import { createEffect, on, onCleanup, onMount } from 'solid-js'
import type { Component } from 'solid-js'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

/** Colours of the series, in order: distinct, and dark enough on white. */
export const SERIES_COLORS = ['#2f5fd0', '#b3261e', '#2f7d32', '#9a5b00', '#7b3fb0', '#00777a', '#5c6474'] as const

/** A uPlot canvas for `data`, rebuilt on change and resized with its container. */
export const UPlotChart: Component<{
  /** Builds the options for a width; `data` follows uPlot's aligned layout (x first). */
  options: (width: number) => uPlot.Options
  data: uPlot.AlignedData
  height?: number
}> = (props) => {
  let host!: HTMLDivElement
  let chart: uPlot | null = null
  const width = () => Math.max(240, host.clientWidth)
  const draw = () => {
    chart?.destroy()
    chart = new uPlot({ ...props.options(width()), height: props.height ?? 220 }, props.data, host)
  }
  onMount(() => {
    draw()
    const observer = new ResizeObserver(() => chart?.setSize({ width: width(), height: props.height ?? 220 }))
    observer.observe(host)
    onCleanup(() => observer.disconnect())
  })
  // Series can come and go (a new annotator), so a data change rebuilds the chart.
  createEffect(on(() => props.data, () => chart && draw(), { defer: true }))
  onCleanup(() => chart?.destroy())
  return <div ref={host} class="stats-canvas" aria-hidden="true" />
}
