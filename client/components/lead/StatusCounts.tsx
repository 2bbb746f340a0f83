/** Task counts per status; each count is a toggle that filters the lead's table. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import { TaskStatus } from '../../../shared/types'
import type { TaskSummary } from '../../../shared/types'
import { STATUS_LABEL } from '../common/StatusBadge'

const STATUSES = Object.values(TaskStatus)

export const StatusCounts: Component<{
  tasks: TaskSummary[]
  filter: TaskStatus | 'all'
  onFilter: (f: TaskStatus | 'all') => void
}> = (props) => {
  const count = (s: TaskStatus) => props.tasks.filter((t) => t.status === s).length
  return (
    <div class="counts" role="group" aria-label="Filter by status">
      <button
        type="button"
        aria-pressed={props.filter === 'all'}
        onClick={() => props.onFilter('all')}
      >
        All <strong>{props.tasks.length}</strong>
      </button>
      <For each={STATUSES}>
        {(s) => (
          <button
            type="button"
            class={`status-${s}`}
            aria-pressed={props.filter === s}
            onClick={() => props.onFilter(props.filter === s ? 'all' : s)}
          >
            {STATUS_LABEL[s]} <strong>{count(s)}</strong>
          </button>
        )}
      </For>
    </div>
  )
}
