/** `/`: the caller's task queue (annotators: tasks assigned to them; leads, reviewers: all). */
import { createResource, Match, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import { listTasks } from '../api'
import { ErrorNote } from '../components/ErrorNote'
import { TaskTable } from '../components/TaskTable'

const Queue: Component = () => {
  const [tasks, { refetch }] = createResource(listTasks)
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Your tasks</h1>
      <Switch fallback={<p class="muted" role="status">Loading tasks…</p>}>
        <Match when={tasks.error}>
          <ErrorNote error={tasks.error} onRetry={refetch} />
        </Match>
        <Match when={tasks()?.length === 0}>
          <p class="muted">No tasks for you yet. Your lead assigns them.</p>
        </Match>
        <Match when={tasks()}>{(list) => <TaskTable tasks={list()} label="Your tasks" />}</Match>
      </Switch>
    </section>
  )
}

export default Queue
