/** The queue's table of tasks; ↑/↓ or j/k move between rows, Enter opens the focused task. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { TaskSummary } from '../../../shared/types'
import { TaskRow } from '../queue/TaskRow'
import { onRowKeys } from './rowKeys'

export const TaskTable: Component<{ tasks: TaskSummary[]; label: string }> = (props) => (
  <>
    <table class="tasks" aria-label={props.label} onKeyDown={onRowKeys}>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Batch</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col">Here now</th>
        </tr>
      </thead>
      <tbody>
        <For
          each={props.tasks}
          fallback={
            <tr>
              <td colSpan={5} class="muted">
                No tasks match these filters.
              </td>
            </tr>
          }
        >
          {(task) => <TaskRow task={task} />}
        </For>
      </tbody>
    </table>
    <p class="muted small">Tip: ↑ and ↓ (or j and k) move between tasks, Enter opens one.</p>
  </>
)
