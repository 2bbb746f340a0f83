/** Task counts per status (from the server, for every task matching the other filters); each count is a toggle that filters the lead's table. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import { TaskStatus } from '../../../shared/types'
import { STATUS_LABEL } from '../common/StatusBadge'

const STATUSES = Object.values(TaskStatus)

export const StatusCounts: Component<{
  /** Tasks per status matching every filter but the status; undefined until the first page. */
  counts: Record<TaskStatus, number> | undefined
  filter: TaskStatus | 'all'
  onFilter: (f: TaskStatus | 'all') => void
}> = (props) => {
  const count = (s: TaskStatus) => props.counts?.[s] ?? 0
  const all = () => STATUSES.reduce((sum, s) => sum + count(s), 0)
  return (
    <div class="counts" role="group" aria-label="Filter by status">
      <button type="button" aria-pressed={props.filter === 'all'} onClick={() => props.onFilter('all')}>
        All <strong>{all()}</strong>
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
