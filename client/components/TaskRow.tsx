/** One row of the task queue; the title is the link into the workspace. */
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'
import type { TaskSummary } from '../../shared/types'
import { StatusBadge } from './StatusBadge'

export const TaskRow: Component<{ task: TaskSummary }> = (props) => (
  <tr>
    <td>
      <A href={`/tasks/${encodeURIComponent(props.task.id)}`} class="task-link">
        {props.task.title || props.task.id}
      </A>
      <div class="muted small">{props.task.id}</div>
    </td>
    <td>{props.task.batch}</td>
    <td>{props.task.language}</td>
    <td>
      <StatusBadge status={props.task.status} />
    </td>
  </tr>
)
