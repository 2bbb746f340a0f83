/** The lead's table of tasks: status, revision, assignees by name, last change. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'
import type { TaskSummary } from '../../shared/types'
import { formatTime } from '../format'
import { StatusBadge } from './StatusBadge'
import { onRowKeys } from './rowKeys'

export const LeadTaskTable: Component<{ tasks: TaskSummary[]; names: Map<string, string> }> = (
  props,
) => {
  const assignees = (t: TaskSummary) =>
    t.assignees.length === 0
      ? 'Unassigned'
      : t.assignees.map((id) => props.names.get(id) ?? id).join(', ')
  return (
    <table class="tasks" aria-label="All tasks" onKeyDown={onRowKeys}>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Batch</th>
          <th scope="col">Status</th>
          <th scope="col">Rev.</th>
          <th scope="col">Assignees</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        <For
          each={props.tasks}
          fallback={
            <tr>
              <td colSpan={6} class="muted">
                No tasks match.
              </td>
            </tr>
          }
        >
          {(t) => (
            <tr>
              <td>
                <A href={`/tasks/${encodeURIComponent(t.id)}`} class="task-link">
                  {t.title || t.id}
                </A>
                <div class="muted small">{t.id}</div>
              </td>
              <td>{t.batch}</td>
              <td>
                <StatusBadge status={t.status} />
              </td>
              <td>{t.revision}</td>
              <td classList={{ muted: t.assignees.length === 0 }}>{assignees(t)}</td>
              <td>{formatTime(t.updatedAt)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  )
}
