/** A table of tasks, one row per task; ↑/↓ or j/k move between rows, Enter opens the focused task. */
import { For } from 'solid-js'
import type { Component, JSX } from 'solid-js'
import type { TaskSummary } from '../../../shared/types'
import { onRowKeys } from './rowKeys'

/** A column heading; a hidden one is read by screen readers only (a column of buttons). */
export type TaskColumn = string | { hidden: string }

/** The queue and the lead's dashboard differ only in their columns, rows and empty message. */
export const TaskTable: Component<{
  tasks: TaskSummary[]
  label: string
  columns: readonly TaskColumn[]
  /** Shown in one full-width row when no task is listed. */
  empty: string
  row: (task: TaskSummary) => JSX.Element
}> = (props) => (
  <table class="tasks" aria-label={props.label} onKeyDown={onRowKeys}>
    <thead>
      <tr>
        <For each={props.columns}>
          {(column) => (
            <th scope="col">
              {typeof column === 'string' ? column : <span class="visually-hidden">{column.hidden}</span>}
            </th>
          )}
        </For>
      </tr>
    </thead>
    <tbody>
      <For
        each={props.tasks}
        fallback={
          <tr>
            <td colSpan={props.columns.length} class="muted">
              {props.empty}
            </td>
          </tr>
        }
      >
        {(task) => props.row(task)}
      </For>
    </tbody>
  </table>
)
