/** The queue's filters: batch, status, text and order, each a labelled control; how many tasks match. */
import { createMemo, For } from 'solid-js'
import type { Component } from 'solid-js'
import { TaskStatus } from '../../../shared/types'
import { STATUS_LABEL } from '../common/StatusBadge'
import { ListSearch } from '../tasks/ListSearch'

export const QueueFilters: Component<{
  /** Batches the reader has seen tasks in. */
  batches: readonly string[]
  batch: string
  status: string
  q: string
  sort: string
  /** Tasks matching the filters on the server. */
  total: number
  onChange: (next: { batch?: string; status?: string; q?: string; sort?: string }) => void
}> = (props) => {
  // A batch in the URL that no loaded task has (yet) stays selectable, so the filter never lies.
  const batches = createMemo(() => {
    const names = new Set(props.batches)
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
      <ListSearch q={props.q} sort={props.sort} onChange={props.onChange} />
      <p class="muted small" role="status" aria-live="polite">
        {props.total} {props.total === 1 ? 'task' : 'tasks'}
      </p>
    </div>
  )
}
