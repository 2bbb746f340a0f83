/**
 * The lead dashboard's statistics for one batch (`GET /api/stats`): ordinal alpha, agreement per
 * task and hours per annotator per day, each chart with a text alternative (a summary as its
 * accessible name and the numbers as a table). The agreement chart and table are bounded
 * (agreementRows.ts), whatever the batch's size. Loaded lazily with uPlot, re-read every five minutes or on request.
 */
import { createMemo, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import uPlot from 'uplot'
import { getStats } from '../../api'
import { createPolling } from '../../stores/createPolling'
import { ErrorNote } from '../common/ErrorNote'
import { formatTau } from '../workspace/ballot/agreementFormat'
import { AgreementTable } from './AgreementTable'
import { chartTasks } from './agreementRows'
import { SERIES_COLORS, UPlotChart } from './UPlotChart'
import { taskLabelsHook } from './taskLabels'
import '../../styles/agreement.css'

/**
 * How often the stats are re-read while the dashboard is open. Each read opens every ballot room
 * of the batch (about 3 s cold for 300 tasks × 3 ballots), so it is rare; "Refresh" reads now.
 */
const STATS_REFRESH_MS = 5 * 60_000

const hours = (ms: number) => Math.round((ms / 3_600_000) * 100) / 100

/**
 * Bars of mean tau-b per task, x = index in `ids`. The task ids are text under the plot, thinned
 * so none overlap (taskLabels.ts); the canvas axis draws no labels of its own.
 */
function agreementOptions(ids: string[]) {
  return (width: number): uPlot.Options => ({
    width,
    height: 220,
    legend: { show: false },
    scales: { x: { time: false, range: [-0.5, ids.length - 0.5] }, y: { range: [-1, 1] } },
    axes: [
      { values: (_u, splits) => splits.map(() => ''), size: 28, space: 10 },
      { label: 'tau-b' },
    ],
    hooks: { draw: [taskLabelsHook(ids)] },
    series: [
      { label: 'Task' },
      { label: 'Mean tau-b', fill: SERIES_COLORS[0], stroke: SERIES_COLORS[0], width: 0, paths: barPaths(), points: { show: false } },
    ],
  })
}

/** uPlot's bar path builder, made once. */
let bars: uPlot.Series.PathBuilder | null = null
function barPaths(): uPlot.Series.PathBuilder {
  return (bars ??= uPlot.paths.bars!({ size: [0.6, 60] }))
}

/** One line per annotator of hours per day; x = day index labelled with the date. */
function hoursOptions(days: string[], people: string[]) {
  return (width: number): uPlot.Options => ({
    width,
    height: 220,
    scales: { x: { time: false, range: [-0.5, Math.max(0.5, days.length - 0.5)] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [
      { values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (days[i]?.slice(5) ?? '') : '')), space: 40 },
      { label: 'hours' },
    ],
    series: [
      { label: 'Day', value: (_u, i) => (i === null ? '—' : (days[i] ?? '—')) },
      ...people.map((name, k) => ({
        label: name,
        stroke: SERIES_COLORS[k % SERIES_COLORS.length],
        width: 2,
        points: { show: true, size: 6 },
      })),
    ],
  })
}

/** The statistics of `batch`: alpha, agreement per task, hours per annotator per day. */
export const StatsCharts: Component<{ batch: string }> = (props) => {
  const stats = createPolling(() => getStats(props.batch), STATS_REFRESH_MS)
  const bars = createMemo(() => chartTasks(stats.data()?.tasks ?? []))
  const agreementData = createMemo<uPlot.AlignedData>(() => {
    const tasks = bars().shown
    return [tasks.map((_t, i) => i), tasks.map((t) => t.mean_tau_b)]
  })
  const hoursTable = createMemo(() => {
    const rows = (stats.data()?.active_per_day ?? []).filter((r) => r.role === 'annotator')
    const days = [...new Set(rows.map((r) => r.day))].sort()
    const people = [...new Map(rows.map((r) => [r.user, r.name])).entries()]
    const value = (user: string, day: string) => hours(rows.find((r) => r.user === user && r.day === day)?.active_ms ?? 0)
    return { days, people, value }
  })
  const hoursData = createMemo<uPlot.AlignedData>(() => {
    const { days, people, value } = hoursTable()
    return [days.map((_d, i) => i), ...people.map(([user]) => days.map((d) => value(user, d)))]
  })
  const agreementSummary = () => {
    const tasks = bars().shown
    if (!tasks.length) return 'Agreement per task: no task has two ballots to compare yet.'
    const lo = tasks.reduce((a, b) => (b.mean_tau_b! < a.mean_tau_b! || (b.mean_tau_b === a.mean_tau_b && b.id < a.id) ? b : a))
    const of = bars().of > tasks.length ? ` (the ${tasks.length} lowest of ${bars().of} drawn)` : ''
    return `Agreement per task: mean tau-b of ${bars().of} tasks${of}, lowest ${formatTau(lo.mean_tau_b)} on ${lo.id}.`
  }
  const hoursSummary = () => {
    const { days, people, value } = hoursTable()
    if (!people.length) return 'Hours per annotator per day: no active time in this period.'
    const totals = people.map(([user, name]) => `${name} ${days.reduce((s, d) => s + value(user, d), 0).toFixed(1)} h`)
    return `Hours per annotator per day, ${days[0]} to ${days[days.length - 1]}: ${totals.join(', ')}.`
  }
  return (
    <section class="stats-panel" aria-labelledby="stats-title">
      <div class="stats-head">
        <h2 id="stats-title">Statistics: {props.batch}</h2>
        <button type="button" onClick={() => void stats.refresh()}>
          Refresh statistics
        </button>
        <Show when={stats.data()}>
          {(s) => (
            <p data-testid="alpha">
              Krippendorff's alpha (ordinal): <strong>{formatTau(s().alpha_ordinal)}</strong>{' '}
              <span class="muted small">from {s().alpha_ballots} complete ballots</span>
            </p>
          )}
        </Show>
      </div>
      <Show when={stats.error()}>
        <ErrorNote error={stats.error()} onRetry={() => void stats.refresh()} />
      </Show>
      <Show when={stats.data()}>
        {(s) => (
          <div class="stats-charts">
            <figure class="stats-chart" role="group" aria-label={agreementSummary()}>
              <h3>Agreement per task</h3>
              <Show
                when={bars().shown.length}
                fallback={<p class="muted small">No task has two ballots to compare yet.</p>}
              >
                <UPlotChart options={agreementOptions(bars().shown.map((t) => t.id))} data={agreementData()} />
                <p class="muted small" data-testid="agreement-bars">
                  {bars().of > bars().shown.length
                    ? `The ${bars().shown.length} tasks of lowest agreement, of ${bars().of} with two ballots to compare; mean tau-b over all ${bars().of}: ${formatTau(s().mean_tau_b)}.`
                    : `${bars().of} of ${s().task_count} tasks have two ballots to compare; mean tau-b ${formatTau(s().mean_tau_b)}.`}
                </p>
              </Show>
              <AgreementTable tasks={s().tasks} taskCount={s().task_count} />
            </figure>
            <figure class="stats-chart" role="group" aria-label={hoursSummary()}>
              <h3>Hours per annotator per day</h3>
              <UPlotChart
                options={hoursOptions(hoursTable().days, hoursTable().people.map(([, name]) => name))}
                data={hoursData()}
              />
              <details>
                <summary>Hours per day as a table</summary>
                <table class="agreement-table">
                  <thead>
                    <tr>
                      <th scope="col">Annotator</th>
                      <For each={hoursTable().days}>{(d) => <th scope="col">{d}</th>}</For>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={hoursTable().people}>
                      {([user, name]) => (
                        <tr>
                          <th scope="row">{name}</th>
                          <For each={hoursTable().days}>{(d) => <td>{hoursTable().value(user, d).toFixed(2)}</td>}</For>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </details>
              <p class="muted small">
                Throughput: {s().finalized_per_day.reduce((n, d) => n + d.finalized, 0)} finalized from {s().from} to {s().to}.
              </p>
            </figure>
          </div>
        )}
      </Show>
    </section>
  )
}

/** The default export `lazy()` loads (LeadDashboard). */
export default StatsCharts
