/** The text search and the order of a task list, each a labelled control; shared by the queue and the dashboard. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import { TASK_SORTS } from '../../../shared/taskList'
import { MAX_QUERY_TEXT, SORT_LABEL } from './listParams'

export const ListSearch: Component<{
  q: string
  sort: string
  onChange: (next: { q?: string; sort?: string }) => void
}> = (props) => (
  <>
    <label>
      Search
      {/* Sent on Enter or when the box loses focus, not on every keystroke. */}
      <input
        type="search"
        value={props.q}
        maxLength={MAX_QUERY_TEXT}
        placeholder="Id, title or prompt"
        onChange={(e) => props.onChange({ q: e.currentTarget.value.trim() || undefined })}
      />
    </label>
    <label>
      Order
      <select value={props.sort || 'created'} onChange={(e) => props.onChange({ sort: e.currentTarget.value === 'created' ? undefined : e.currentTarget.value })}>
        <For each={TASK_SORTS}>{(s) => <option value={s}>{SORT_LABEL.get(s)}</option>}</For>
      </select>
    </label>
  </>
)
