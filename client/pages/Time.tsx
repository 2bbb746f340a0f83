/**
 * `/lead/time`: hours per person per day for a range (this week by default), with days and weeks
 * in the chosen time zone, and the CSV of the same range and zone. Range and zone stay in the
 * address; the zone is also remembered in this browser.
 */
import { createMemo, createResource, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { useSearchParams } from '@solidjs/router'
import { addDays, dayInZone, mondayOf } from '../../shared/timeZone'
import { getTimesheet, timesheetCsvUrl } from '../api'
import { useMe } from '../stores/session'
import { ErrorNote } from '../components/common/ErrorNote'
import { HoursTable } from '../components/time/HoursTable'
import { hoursGrid } from '../components/time/hoursGrid'
import { ZoneSelect } from '../components/time/ZoneSelect'
import { createZoneChoice } from '../components/time/zoneChoice'
import '../styles/people.css'

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/

const TimeSheet: Component = () => {
  const [zone, setZone] = createZoneChoice()
  const [params, setParams] = useSearchParams<{ from?: string; to?: string }>()
  const thisWeek = createMemo(() => {
    const monday = mondayOf(dayInZone(Date.now(), zone()))
    return { from: monday, to: addDays(monday, 6) }
  })
  const range = createMemo(() => {
    const from = params.from && DAY_RE.test(params.from) ? params.from : thisWeek().from
    const to = params.to && DAY_RE.test(params.to) ? params.to : thisWeek().to
    return { from, to, tz: zone() }
  })
  const backwards = () => range().from > range().to
  const [sheet, { refetch }] = createResource(() => (backwards() ? false : range()), getTimesheet)
  const grid = createMemo(() => {
    const s = sheet()
    return s ? hoursGrid(s.rows, s.from, s.to) : null
  })
  return (
    <section class="panel" aria-labelledby="time-title">
      <div class="row spread">
        <h1 id="time-title">Time</h1>
        <ZoneSelect zone={zone()} onChange={setZone} />
      </div>
      <div class="row time-range">
        <label>
          From <input type="date" value={range().from} onChange={(e) => setParams({ from: e.currentTarget.value || undefined })} />
        </label>
        <label>
          To <input type="date" value={range().to} onChange={(e) => setParams({ to: e.currentTarget.value || undefined })} />
        </label>
        <button type="button" onClick={() => setParams({ from: undefined, to: undefined })}>
          This week
        </button>
        <a href={timesheetCsvUrl(range())} download={`timesheet-${range().from}-to-${range().to}.csv`}>
          Download CSV
        </a>
      </div>
      <p class="muted small">
        Active time on task, days from midnight to midnight in {zone()}; weeks start on Monday. The CSV holds the same
        time per person, day and task, in minutes.
      </p>
      <Show when={backwards()}>
        <p class="error" role="alert">The range runs backwards: choose a “From” day on or before “To”.</p>
      </Show>
      <Show when={sheet.error}>
        <ErrorNote error={sheet.error} onRetry={() => void refetch()} />
      </Show>
      <Show when={grid()}>{(g) => <HoursTable grid={g()} zone={zone()} />}</Show>
    </section>
  )
}

const Time: Component = () => {
  const me = useMe()
  return (
    <Show when={me().role === 'lead'} fallback={<p class="panel narrow">Only the lead sees everyone's time.</p>}>
      <TimeSheet />
    </Show>
  )
}

export default Time
