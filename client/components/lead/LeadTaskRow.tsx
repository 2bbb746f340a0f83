/** One row of the lead's task table: status, revision, assignees (editable), who is in the room now, time. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'
import type { ActiveTime, TaskSummary, User } from '../../../shared/types'
import { StatusBadge } from '../common/StatusBadge'
import { QueueProgress } from '../tasks/QueueProgress'
import { ThreadsCount } from '../tasks/ThreadsCount'
import { PresentPeople } from '../tasks/PresentPeople'
import type { RowSlot, TaskColumn } from '../tasks/TaskTable'
import { LeadAssign } from './LeadAssign'
import { LeadTime } from './LeadTime'
import { viewLabel } from './viewLabel'

/** The headings of the cells LeadTaskRow renders, in order. */
export const LEAD_COLUMNS: readonly TaskColumn[] = [
  'Task',
  'Status',
  'Assignees',
  'Here now',
  'Progress',
  'Threads',
  'Time on task',
  { hidden: 'Join' },
]

export const LeadTaskRow: Component<{
  task: TaskSummary
  slot: RowSlot
  names: Map<string, string>
  annotators: User[]
  /** Active time on this task, most time first (GET /api/active-time). */
  time: ActiveTime[]
  onAssigned: () => void
}> = (props) => {
  const href = () => `/tasks/${encodeURIComponent(props.task.id)}`
  const title = () => props.task.title || props.task.id
  return (
    <tr data-task={props.task.id} ref={props.slot.ref} data-index={props.slot.index} aria-rowindex={props.slot.index + 2}>
      <td>
        <A href={href()} class="task-link">
          {title()}
        </A>
        <div class="muted small">
          {props.task.id} · {props.task.batch}
        </div>
      </td>
      <td>
        <StatusBadge status={props.task.status} />
        <div class="muted small">Revision {props.task.revision}</div>
      </td>
      <td>
        <LeadAssign task={props.task} names={props.names} annotators={props.annotators} onAssigned={props.onAssigned} />
      </td>
      <td>
        <PresentPeople
          people={props.task.present}
          detail={(person) => (person.view ? ` · ${viewLabel(person.view)}` : undefined)}
        />
      </td>
      <td>
        <QueueProgress progress={props.task.progress} />
      </td>
      <td>
        <Show when={props.task.threads?.unresolved} fallback={<span class="muted small">None open</span>}>
          <ThreadsCount threads={props.task.threads} />
        </Show>
      </td>
      <td>
        <LeadTime rows={props.time} names={props.names} />
      </td>
      <td>
        <A href={href()} class="button" aria-label={`Join ${title()}`}>
          Join
        </A>
      </td>
    </tr>
  )
}
