/**
 * The lead's live dashboard: every task with status, revision, people in the room and what they
 * look at, progress, unresolved threads and time on task per person; filters by batch, status and
 * person. Live through the same event stream as the queue, so there is no refresh button; time on
 * task is re-read every ACTIVE_TIME_REFRESH_MS and whenever presence or progress moves.
 */
import { createEffect, createMemo, createResource, For, lazy, Match, on, Show, Suspense, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import { useSearchParams } from '@solidjs/router'
import { getActiveTime, listUsers } from '../../api'
import type { ActiveTime, TaskSummary } from '../../../shared/types'
import { TaskStatus } from '../../../shared/types'
import { createQueue } from '../../stores/queue'
import { createPolling } from '../../stores/createPolling'
import { ErrorNote } from '../common/ErrorNote'
import { StatusCounts } from './StatusCounts'
import { TaskTable } from '../tasks/TaskTable'
import { LEAD_COLUMNS, LeadTaskRow } from './LeadTaskRow'
import { StorageAlert } from './StorageAlert'
import '../../styles/review.css'
import '../../styles/comments.css'
import '../../styles/dashboard.css'

/** Agreement and time charts (agreement work): lazy, so uPlot loads only with them. */
const StatsCharts = lazy(() => import('./StatsCharts'))

/** Filters kept in the URL (?batch=…&status=…&person=…), so a reload or a shared link keeps them. */
type DashboardParams = { batch?: string; status?: string; person?: string }

/** How often time on task is re-read when nothing else on the page moved. */
const ACTIVE_TIME_REFRESH_MS = 15_000

const isStatus = (s: string | undefined): s is TaskStatus => !!s && s in TaskStatus

/** Whether `person` is on the task: assigned to it, or in its room now. */
function involves(t: TaskSummary, person: string): boolean {
  return t.assignees.includes(person) || t.present.some((p) => p.id === person)
}

export const LeadDashboard: Component = () => {
  const queue = createQueue()
  const [users, { refetch: refetchUsers }] = createResource(listUsers)
  const [params, setParams] = useSearchParams<DashboardParams>()
  const activeTime = createPolling(getActiveTime, ACTIVE_TIME_REFRESH_MS)
  // Someone joining, leaving or making progress is someone working: their time moved too.
  createEffect(
    on(
      () => queue.state.tasks.map((t) => [t.id, t.present.map((p) => p.id), JSON.stringify(t.progress)]),
      () => void activeTime.refresh(),
      { defer: true },
    ),
  )
  const time = createMemo(() => {
    const byTask = new Map<string, ActiveTime[]>()
    for (const r of activeTime.data() ?? []) byTask.set(r.task, [...(byTask.get(r.task) ?? []), r])
    return byTask
  })
  const names = createMemo(() => new Map((users() ?? []).map((u) => [u.id, u.name])))
  const annotators = createMemo(() => (users() ?? []).filter((u) => u.role === 'annotator'))
  const batches = createMemo(() => [...new Set(queue.state.tasks.map((t) => t.batch))].sort())
  const inBatchAndPerson = createMemo(() =>
    queue.state.tasks.filter(
      (t) => (!params.batch || t.batch === params.batch) && (!params.person || involves(t, params.person)),
    ),
  )
  const status = () => (isStatus(params.status) ? params.status : 'all')
  const shown = createMemo(() => inBatchAndPerson().filter((t) => status() === 'all' || t.status === status()))
  const set = (next: DashboardParams) => setParams(next, { replace: true })
  return (
    <section aria-labelledby="lead-title">
      <h1 id="lead-title">Lead dashboard</h1>
      <StorageAlert />
      <Show when={queue.error()}>
        <ErrorNote error={queue.error()} onRetry={queue.refresh} />
      </Show>
      <Switch fallback={<p class="muted" role="status">Loading tasks…</p>}>
        <Match when={queue.loaded()}>
          <div class="queue-filters" role="group" aria-label="Filters">
            <label>
              Batch
              <select value={params.batch ?? ''} onChange={(e) => set({ batch: e.currentTarget.value || undefined })}>
                <option value="">All batches</option>
                <For each={batches()}>{(b) => <option value={b}>{b}</option>}</For>
              </select>
            </label>
            <label>
              Person
              <select value={params.person ?? ''} onChange={(e) => set({ person: e.currentTarget.value || undefined })}>
                <option value="">Anyone</option>
                <For each={users() ?? []}>{(u) => <option value={u.id}>{u.name}</option>}</For>
              </select>
            </label>
            <p class="muted small" role="status">
              {shown().length} of {queue.state.tasks.length} tasks
            </p>
          </div>
          <StatusCounts tasks={inBatchAndPerson()} filter={status()} onFilter={(s) => set({ status: s === 'all' ? undefined : s })} />
          <TaskTable
            tasks={shown()}
            label="All tasks"
            columns={LEAD_COLUMNS}
            empty="No tasks match."
            row={(task) => (
              <LeadTaskRow
                task={task}
                names={names()}
                annotators={annotators()}
                time={time().get(task.id) ?? []}
                onAssigned={() => void Promise.all([queue.refresh(), refetchUsers()])}
              />
            )}
          />
          {/* Statistics of the chosen batch, or of the first one (agreement work). */}
          <Show when={params.batch ?? batches()[0]} keyed>
            {(batch) => (
              <Suspense fallback={<p class="muted" role="status">Loading statistics…</p>}>
                <StatsCharts batch={batch} />
              </Suspense>
            )}
          </Show>
        </Match>
      </Switch>
      <Show when={activeTime.error()}>
        <p class="muted small" role="status">Time on task could not be refreshed; the times shown may be behind.</p>
      </Show>
      <Show when={users.error}>
        <p class="muted small">Assignee names are unavailable, so ids are shown instead.</p>
      </Show>
    </section>
  )
}
