/** The lead's table of tasks: status, revision, assignees (editable), who is in the room now, time. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'
import type { ActiveTime, TaskSummary, User } from '../../../shared/types'
import { StatusBadge } from '../common/StatusBadge'
import { QueueProgress } from '../tasks/QueueProgress'
import { ThreadsCount } from '../tasks/ThreadsCount'
import { LeadPresent } from './LeadPresent'
import { LeadAssign } from './LeadAssign'
import { LeadTime } from './LeadTime'
import { onRowKeys } from '../tasks/rowKeys'

export const LeadTaskTable: Component<{
  tasks: TaskSummary[]
  names: Map<string, string>
  annotators: User[]
  /** Active time per task id, most time first (GET /api/active-time). */
  time: Map<string, ActiveTime[]>
  onAssigned: () => void
}> = (props) => {
  const href = (t: TaskSummary) => `/tasks/${encodeURIComponent(t.id)}`
  return (
    <table class="tasks" aria-label="All tasks" onKeyDown={onRowKeys}>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Status</th>
          <th scope="col">Assignees</th>
          <th scope="col">Here now</th>
          <th scope="col">Progress</th>
          <th scope="col">Threads</th>
          <th scope="col">Time on task</th>
          <th scope="col">
            <span class="visually-hidden">Join</span>
          </th>
        </tr>
      </thead>
      <tbody>
        <For
          each={props.tasks}
          fallback={
            <tr>
              <td colSpan={8} class="muted">
                No tasks match.
              </td>
            </tr>
          }
        >
          {(t) => (
            <tr data-task={t.id}>
              <td>
                <A href={href(t)} class="task-link">
                  {t.title || t.id}
                </A>
                <div class="muted small">
                  {t.id} · {t.batch}
                </div>
              </td>
              <td>
                <StatusBadge status={t.status} />
                <div class="muted small">Revision {t.revision}</div>
              </td>
              <td>
                <LeadAssign task={t} names={props.names} annotators={props.annotators} onAssigned={props.onAssigned} />
              </td>
              <td>
                <LeadPresent people={t.present} />
              </td>
              <td>
                <QueueProgress progress={t.progress} />
              </td>
              <td>
                <Show when={t.threads?.unresolved} fallback={<span class="muted small">None open</span>}>
                  <ThreadsCount threads={t.threads} />
                </Show>
              </td>
              <td>
                <LeadTime rows={props.time.get(t.id) ?? []} names={props.names} />
              </td>
              <td>
                <A href={href(t)} class="button" aria-label={`Join ${t.title || t.id}`}>
                  Join
                </A>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  )
}
