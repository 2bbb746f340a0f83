/** One row of the task queue; the title is the link into the workspace (a click on the row too). */
import type { Component } from 'solid-js'
import { A, useNavigate } from '@solidjs/router'
import type { TaskSummary } from '../../../shared/types'
import { StatusBadge } from '../common/StatusBadge'
import { QueueProgress } from '../tasks/QueueProgress'
import { PresentPeople } from '../tasks/PresentPeople'
import { ThreadsCount } from '../tasks/ThreadsCount'
import type { RowSlot } from '../tasks/TaskTable'
import '../../styles/comments.css'

export const TaskRow: Component<{ task: TaskSummary; slot: RowSlot }> = (props) => {
  const navigate = useNavigate()
  const href = () => `/tasks/${encodeURIComponent(props.task.id)}`
  // The link stays the one control for keyboards and screen readers; the row is a mouse shortcut.
  const onClick = (e: MouseEvent) => {
    if (!(e.target as HTMLElement).closest('a, button') && !getSelection()?.toString()) navigate(href())
  }
  return (
    <tr
      class="queue-row"
      data-task={props.task.id}
      ref={props.slot.ref}
      data-index={props.slot.index}
      aria-rowindex={props.slot.index + 2}
      onClick={onClick}
    >
      <td>
        <A href={href()} class="task-link">
          {props.task.title || props.task.id}
        </A>
        <div class="muted small">
          {props.task.id} · {props.task.language}
        </div>
      </td>
      <td>{props.task.batch}</td>
      <td>
        <StatusBadge status={props.task.status} />
        <div>
          <ThreadsCount threads={props.task.threads} />
        </div>
      </td>
      <td>
        <QueueProgress progress={props.task.progress} />
      </td>
      <td>
        <PresentPeople people={props.task.present} detail={(person) => person.role} />
      </td>
    </tr>
  )
}
