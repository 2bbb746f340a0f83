/**
 * The lead's live dashboard: the tasks matching the filters, a page at a time, with status,
 * revision, people in the room and what they look at, progress, unresolved threads and time on task
 * per person; filters by batch, status, assignee, text and order, all applied by the server and kept
 * in the URL. Live through the same event stream as the queue, so there is no refresh button; time
 * on task is read for the rows around the view, every ACTIVE_TIME_REFRESH_MS and (at most every
 * LIVE_TIME_REFRESH_MS) when presence or progress in view moves.
 */
import { createEffect, createMemo, createResource, createSignal, For, lazy, Match, on, Show, Suspense, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import { useSearchParams } from '@solidjs/router'
import { listBatches, listUsers } from '../../api'
import { createTaskPages } from '../../stores/taskPages'
import type { TaskFilters } from '../../stores/taskPages'
import { createRowTime, MAX_TIME_TASKS } from '../../stores/rowTime'
import { createThrottle } from '../../stores/createThrottle'
import { ErrorNote } from '../common/ErrorNote'
import { StatusCounts } from './StatusCounts'
import { TaskTable } from '../tasks/TaskTable'
import { ListSearch } from '../tasks/ListSearch'
import { isSort, isStatus, searchText } from '../tasks/listParams'
import { LEAD_COLUMNS, LeadTaskRow } from './LeadTaskRow'
import { StorageAlert } from './StorageAlert'
import { PersonFilter } from './PersonFilter'
import '../../styles/review.css'
import '../../styles/comments.css'
import '../../styles/dashboard.css'

/** Agreement and time charts (agreement work): lazy, so uPlot loads only with them. */
const StatsCharts = lazy(() => import('./StatsCharts'))

/** Filters kept in the URL, so a reload or a shared link keeps them; `person` is an assignee's id. */
type DashboardParams = { batch?: string; status?: string; person?: string; q?: string; sort?: string }

/** How often time on task is re-read when nothing else on the page moved. */
const ACTIVE_TIME_REFRESH_MS = 15_000

/** The soonest time on task is re-read again after a live change in view. */
const LIVE_TIME_REFRESH_MS = 2_000

/** A dashboard row before it is measured, in pixels. */
const ROW_ESTIMATE = 88

/** Time on task is asked for rows in windows that start at multiples of this, so scrolling re-asks rarely. */
const TIME_WINDOW_STEP = 200

export const LeadDashboard: Component = () => {
  const [params, setParams] = useSearchParams<DashboardParams>()
  const filters = createMemo<TaskFilters>(
    () => ({
      batch: params.batch || undefined,
      status: isStatus(params.status) ? params.status : undefined,
      assignee: params.person || undefined,
      q: searchText(params.q),
      sort: isSort(params.sort) ? params.sort : undefined,
    }),
    {},
    { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) },
  )
  // The rows first: their request goes out before the lists for the filters.
  const pages = createTaskPages({ filters })
  const tasks = () => pages.state.tasks
  const [users, { refetch: refetchUsers }] = createResource(listUsers)
  const [batchList] = createResource(listBatches)

  // Time on task for a window of held rows around the view.
  const [shownRange, setShownRange] = createSignal<[number, number]>([0, 0])
  const timeIds = createMemo(() => {
    const start = Math.floor(shownRange()[0] / TIME_WINDOW_STEP) * TIME_WINDOW_STEP
    return tasks()
      .slice(start, start + MAX_TIME_TASKS)
      .map((t) => t.id)
  })
  const time = createRowTime(timeIds, ACTIVE_TIME_REFRESH_MS)
  // Someone joining, leaving or making progress on a row in view is someone working: their time
  // moved too. Re-read at most every LIVE_TIME_REFRESH_MS, however busy the people are.
  const refreshTime = createThrottle(() => void time.refresh(), LIVE_TIME_REFRESH_MS)
  createEffect(
    on(
      () => {
        const [first, last] = shownRange()
        return tasks()
          .slice(first, last + 1)
          .map((t) => [t.present.map((p) => p.id), t.progress && JSON.stringify(t.progress)])
      },
      refreshTime,
      { defer: true },
    ),
  )

  const names = createMemo(() => new Map((users() ?? []).map((u) => [u.id, u.name])))
  const annotators = createMemo(() => (users() ?? []).filter((u) => u.role === 'annotator'))
  const batches = createMemo(() => {
    const all = new Set((batchList() ?? []).map((b) => b.name))
    if (params.batch) all.add(params.batch)
    return [...all].sort((a, b) => a.localeCompare(b))
  })
  const [statsAsked, setStatsAsked] = createSignal<string>()
  const status = () => (isStatus(params.status) ? params.status : 'all')
  const set = (next: DashboardParams) => setParams(next, { replace: true })
  return (
    <section aria-labelledby="lead-title">
      <h1 id="lead-title">Lead dashboard</h1>
      <StorageAlert />
      <Show when={pages.error()}>
        <ErrorNote error={pages.error()} onRetry={pages.refresh} />
      </Show>
      <Switch fallback={<p class="muted" role="status">Loading tasks…</p>}>
        <Match when={pages.loaded()}>
          <div class="queue-filters" role="group" aria-label="Filters">
            <label>
              Batch
              <select value={params.batch ?? ''} onChange={(e) => set({ batch: e.currentTarget.value || undefined })}>
                <option value="">All batches</option>
                <For each={batches()}>{(b) => <option value={b}>{b}</option>}</For>
              </select>
            </label>
            <PersonFilter
              value={params.person || undefined}
              users={users.error ? undefined : users()}
              loading={users.loading}
              onChange={(person) => set({ person })}
            />
            <ListSearch q={params.q ?? ''} sort={params.sort ?? ''} onChange={set} />
            <p class="muted small" role="status" aria-live="polite">
              {pages.total()} {pages.total() === 1 ? 'task' : 'tasks'}
            </p>
          </div>
          <StatusCounts counts={pages.counts()} filter={status()} onFilter={(s) => set({ status: s === 'all' ? undefined : s })} />
          <TaskTable
            tasks={tasks()}
            total={pages.total()}
            label="All tasks"
            columns={LEAD_COLUMNS}
            empty="No tasks match."
            estimate={ROW_ESTIMATE}
            resetKey={JSON.stringify(filters())}
            onNearEnd={() => void pages.loadMore()}
            onRange={(first, last) => setShownRange([first, last])}
            row={(task, slot) => (
              <LeadTaskRow
                task={task}
                slot={slot}
                names={names()}
                annotators={annotators()}
                time={time.byTask().get(task.id) ?? []}
                onAssigned={() => void Promise.all([pages.refresh(), refetchUsers()])}
              />
            )}
          />
          <Show when={pages.loading() && tasks().length > 0}>
            <p class="muted small" role="status">Loading more tasks…</p>
          </Show>
          {/* Statistics of the chosen batch; without one, of the first batch when asked (they grow with the batch). */}
          <Show
            when={params.batch || statsAsked()}
            keyed
            fallback={
              <Show when={batches()[0]}>
                {(first) => (
                  <button type="button" class="link" onClick={() => setStatsAsked(first())}>
                    Show statistics of batch {first()}
                  </button>
                )}
              </Show>
            }
          >
            {(batch) => (
              <Suspense fallback={<p class="muted" role="status">Loading statistics…</p>}>
                <StatsCharts batch={batch} />
              </Suspense>
            )}
          </Show>
        </Match>
      </Switch>
      <Show when={time.error()}>
        <p class="muted small" role="status">Time on task could not be refreshed; the times shown may be behind.</p>
      </Show>
      <Show when={users.error}>
        <p class="muted small">Assignee names are unavailable, so ids are shown instead.</p>
      </Show>
    </section>
  )
}
