/** `/`: the caller's task queue (annotators: tasks assigned to them; leads, reviewers: all). */
import { createMemo, Match, onCleanup, Show, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import { useSearchParams } from '@solidjs/router'
import { createQueue } from '../stores/queue'
import { ErrorNote } from '../components/common/ErrorNote'
import { QueueFilters } from '../components/queue/QueueFilters'
import { TaskTable } from '../components/tasks/TaskTable'
import { focusFirstRowOnKey } from '../components/tasks/rowKeys'
import { TaskRow } from '../components/queue/TaskRow'
import '../styles/review.css'

const Queue: Component = () => {
  const queue = createQueue()
  // The filters live in the URL (?batch=…&status=…), so a reload or a shared link keeps them.
  const [params, setParams] = useSearchParams<{ batch?: string; status?: string }>()
  const shown = createMemo(() =>
    queue.state.tasks.filter(
      (t) => (!params.batch || t.batch === params.batch) && (!params.status || t.status === params.status),
    ),
  )
  let section!: HTMLElement
  onCleanup(focusFirstRowOnKey(() => section))
  return (
    <section ref={section} aria-labelledby="queue-title">
      <h1 id="queue-title">Your tasks</h1>
      <Show when={queue.error()}>
        <ErrorNote error={queue.error()} onRetry={queue.refresh} />
      </Show>
      <Switch fallback={<p class="muted" role="status">Loading tasks…</p>}>
        <Match when={queue.loaded() && queue.state.tasks.length === 0}>
          <p class="muted">No tasks for you yet. Your lead assigns them.</p>
        </Match>
        <Match when={queue.loaded()}>
          <QueueFilters
            tasks={queue.state.tasks}
            batch={params.batch ?? ''}
            status={params.status ?? ''}
            shown={shown().length}
            onChange={(next) => setParams(next, { replace: true })}
          />
          <TaskTable
            tasks={shown()}
            label="Your tasks"
            columns={['Task', 'Batch', 'Status', 'Progress', 'Here now']}
            empty="No tasks match these filters."
            row={(task) => <TaskRow task={task} />}
          />
          <p class="muted small">Tip: ↑ and ↓ (or j and k) move between tasks, Enter opens one.</p>
        </Match>
      </Switch>
    </section>
  )
}

export default Queue
