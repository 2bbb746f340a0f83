/** A task's workflow status as a short, readable label. */
import type { Component } from 'solid-js'
import type { TaskStatus } from '../../../shared/types'

/** Human labels for the workflow states (docs/workflow.md). */
export const STATUS_LABEL: Record<TaskStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  submitted: 'Submitted',
  changes_requested: 'Changes requested',
  finalized: 'Finalized',
}

export const StatusBadge: Component<{ status: TaskStatus }> = (props) => (
  <span class={`badge status-${props.status}`}>{STATUS_LABEL[props.status] ?? props.status}</span>
)
