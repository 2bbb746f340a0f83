/** The lead's task table: status counts, a status filter, assignees by name; refreshed live. */
import { createMemo, createSignal, Match, Show, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import { listTasks, listUsers } from '../api'
import type { TaskStatus } from '../../shared/types'
import { createPolling } from '../stores/createPolling'
import { ErrorNote } from './ErrorNote'
import { StatusCounts } from './StatusCounts'
import { LeadTaskTable } from './LeadTaskTable'

/** How often the dashboard re-reads tasks and users while it is open and visible. */
const REFRESH_MS = 15_000

export const LeadDashboard: Component = () => {
  const tasks = createPolling(listTasks, REFRESH_MS)
  const users = createPolling(listUsers, REFRESH_MS)
  const [filter, setFilter] = createSignal<TaskStatus | 'all'>('all')
  const names = createMemo(() => new Map((users.data() ?? []).map((u) => [u.id, u.name])))
  const shown = () =>
    (tasks.data() ?? []).filter((t) => filter() === 'all' || t.status === filter())
  const refresh = () => void Promise.all([tasks.refresh(), users.refresh()])
  return (
    <section aria-labelledby="lead-title">
      <div class="row spread">
        <h1 id="lead-title">Lead dashboard</h1>
        <button type="button" onClick={refresh}>
          Refresh
        </button>
      </div>
      <Show when={tasks.error()}>
        <ErrorNote error={tasks.error()} onRetry={refresh} />
      </Show>
      <Switch fallback={<p class="muted" role="status">Loading tasks…</p>}>
        <Match when={tasks.data()}>
          {(list) => (
            <>
              <StatusCounts tasks={list()} filter={filter()} onFilter={setFilter} />
              <LeadTaskTable tasks={shown()} names={names()} />
            </>
          )}
        </Match>
        <Match when={tasks.error()}>{null}</Match>
      </Switch>
      <Show when={users.error()}>
        <p class="muted small">Assignee names are unavailable, so ids are shown instead.</p>
      </Show>
    </section>
  )
}
