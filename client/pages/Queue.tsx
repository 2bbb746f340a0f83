/** `/`: the caller's task queue (annotators: tasks assigned to them; leads, reviewers: all), paged and live. */
import { createMemo, createSignal, createEffect, Match, onCleanup, Show, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import { useSearchParams } from '@solidjs/router'
import { createTaskPages } from '../stores/taskPages'
import type { TaskFilters } from '../stores/taskPages'
import { useMe } from '../stores/session'
import { ErrorNote } from '../components/common/ErrorNote'
import { QueueFilters } from '../components/queue/QueueFilters'
import { TaskTable } from '../components/tasks/TaskTable'
import { focusFirstRowOnKey } from '../components/tasks/rowKeys'
import { isSort, isStatus, searchText } from '../components/tasks/listParams'
import { TaskRow } from '../components/queue/TaskRow'
import '../styles/review.css'

type QueueParams = { batch?: string; status?: string; q?: string; sort?: string }

/** A queue row before it is measured (title, id line and progress chips), in pixels. */
const ROW_ESTIMATE = 72

const Queue: Component = () => {
  const me = useMe()
  // The filters live in the URL, so a reload or a shared link keeps them; the server applies them.
  const [params, setParams] = useSearchParams<QueueParams>()
  const filters = createMemo<TaskFilters>(() => ({
    batch: params.batch || undefined,
    status: isStatus(params.status) ? params.status : undefined,
    q: searchText(params.q),
    sort: isSort(params.sort) ? params.sort : undefined,
  }), {}, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) })
  const queue = createTaskPages({ filters, member: () => (me().role === 'annotator' ? me().id : undefined) })
  // Batches seen in any page so far: the reader may switch between them without clearing the filter.
  const [batches, setBatches] = createSignal<readonly string[]>([])
  createEffect(() => {
    const seen = new Set(batches())
    const before = seen.size
    for (const t of queue.state.tasks) seen.add(t.batch)
    if (seen.size !== before) setBatches([...seen])
  })
  const filtered = () => Object.values(filters()).some((v) => v !== undefined)
  let section!: HTMLElement
  onCleanup(focusFirstRowOnKey(() => section))
  return (
    <section ref={section} aria-labelledby="queue-title">
      <h1 id="queue-title">Your tasks</h1>
      <Show when={queue.error()}>
        <ErrorNote error={queue.error()} onRetry={queue.refresh} />
      </Show>
      <Switch fallback={<p class="muted" role="status">Loading tasks…</p>}>
        <Match when={queue.loaded() && queue.total() === 0 && !filtered()}>
          <p class="muted">No tasks for you yet. Your lead assigns them.</p>
        </Match>
        <Match when={queue.loaded()}>
          <QueueFilters
            batches={batches()}
            batch={params.batch ?? ''}
            status={params.status ?? ''}
            q={params.q ?? ''}
            sort={params.sort ?? ''}
            total={queue.total()}
            onChange={(next) => setParams(next, { replace: true })}
          />
          <TaskTable
            tasks={queue.state.tasks}
            total={queue.total()}
            label="Your tasks"
            columns={['Task', 'Batch', 'Status', 'Progress', 'Here now']}
            empty="No tasks match these filters."
            estimate={ROW_ESTIMATE}
            resetKey={JSON.stringify(filters())}
            onNearEnd={() => void queue.loadMore()}
            row={(task, slot) => <TaskRow task={task} slot={slot} />}
          />
          <Show when={queue.loading() && queue.state.tasks.length > 0}>
            <p class="muted small" role="status">Loading more tasks…</p>
          </Show>
          <p class="muted small">Tip: ↑ and ↓ (or j and k) move between tasks, Enter opens one.</p>
        </Match>
      </Switch>
    </section>
  )
}

export default Queue
