/** `/tasks/:id`: loads the task over HTTP, then opens its workspace room. */
import { createResource, Match, Show, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import { A, useParams } from '@solidjs/router'
import { getTask, isRetryable } from '../api'
import { ErrorNote } from '../components/common/ErrorNote'
import { TaskWorkspace } from '../components/workspace/TaskWorkspace'

const TaskLoader: Component<{ id: string }> = (props) => {
  const [task, { refetch }] = createResource(() => props.id, getTask)
  return (
    <Switch fallback={<p class="muted" role="status">Loading task…</p>}>
      <Match when={task.error}>
        <ErrorNote
          error={task.error}
          onRetry={isRetryable(task.error) ? refetch : undefined}
        />
        <p>
          <A href="/">Back to your tasks</A>
        </p>
      </Match>
      <Match when={task.latest}>{(t) => <TaskWorkspace task={t()} />}</Match>
    </Switch>
  )
}

const Workspace: Component = () => {
  const params = useParams<{ id: string }>()
  // Keyed: another task id means another room, so everything below is rebuilt.
  return (
    <Show when={params.id} keyed>
      {(id) => <TaskLoader id={id} />}
    </Show>
  )
}

export default Workspace
