/** The queue's table of tasks; ↑/↓ move between rows, Enter opens the focused task. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { TaskSummary } from '../../shared/types'
import { TaskRow } from './TaskRow'
import { onRowKeys } from './rowKeys'

export const TaskTable: Component<{ tasks: TaskSummary[]; label: string }> = (props) => (
  <>
    <table class="tasks" aria-label={props.label} onKeyDown={onRowKeys}>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Batch</th>
          <th scope="col">Language</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.tasks}>{(task) => <TaskRow task={task} />}</For>
      </tbody>
    </table>
    <p class="muted small">Tip: ↑ and ↓ move between tasks, Enter opens one.</p>
  </>
)
