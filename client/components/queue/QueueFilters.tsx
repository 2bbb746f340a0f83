/** The queue's filters: batch and status, each a labelled select. */
import { createMemo, For } from 'solid-js'
import type { Component } from 'solid-js'
import type { TaskSummary } from '../../../shared/types'
import { TaskStatus } from '../../../shared/types'
import { STATUS_LABEL } from '../common/StatusBadge'

export const QueueFilters: Component<{
  tasks: TaskSummary[]
  batch: string
  status: string
  shown: number
  onChange: (next: { batch?: string; status?: string }) => void
}> = (props) => {
  // A batch in the URL that no task has (yet) stays selectable, so the filter never lies.
  const batches = createMemo(() => {
    const names = new Set(props.tasks.map((t) => t.batch))
    if (props.batch) names.add(props.batch)
    return [...names].sort((a, b) => a.localeCompare(b))
  })
  return (
    <div class="queue-filters" role="group" aria-label="Filters">
      <label>
        Batch
        <select value={props.batch} onChange={(e) => props.onChange({ batch: e.currentTarget.value || undefined })}>
          <option value="">All batches</option>
          <For each={batches()}>{(name) => <option value={name}>{name}</option>}</For>
        </select>
      </label>
      <label>
        Status
        <select value={props.status} onChange={(e) => props.onChange({ status: e.currentTarget.value || undefined })}>
          <option value="">Any status</option>
          <For each={Object.values(TaskStatus)}>{(s) => <option value={s}>{STATUS_LABEL[s]}</option>}</For>
        </select>
      </label>
      <p class="muted small" role="status">
        {props.shown} of {props.tasks.length} tasks
      </p>
    </div>
  )
}
