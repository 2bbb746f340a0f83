/** The dashboard's Person filter: a select of users that always shows the person the list is filtered by. */
import { createMemo, For } from 'solid-js'
import type { Component } from 'solid-js'
import type { User } from '../../../shared/types'

/**
 * The chosen person (`value`, a user id from the URL) is selected whenever the options change: the
 * users arrive after the select is built, and a select keeps showing "Anyone" when its value was
 * set before the option existed. Until the names are known, or if they never come, the chosen id
 * is an option of its own, so the select never hides a filter that applies.
 */
export const PersonFilter: Component<{ value?: string; users?: readonly User[]; loading: boolean; onChange: (person: string | undefined) => void }> = (
  props,
) => {
  const options = createMemo(() => {
    const list = (props.users ?? []).map((u) => ({ id: u.id, name: u.name }))
    const chosen = props.value
    if (chosen && !list.some((u) => u.id === chosen)) list.push({ id: chosen, name: props.loading ? 'Loading…' : chosen })
    return list
  })
  return (
    <label>
      Person
      <select value={props.value ?? ''} onChange={(e) => props.onChange(e.currentTarget.value || undefined)}>
        <option value="" selected={!props.value}>
          Anyone
        </option>
        <For each={options()}>
          {(u) => (
            <option value={u.id} selected={u.id === props.value}>
              {u.name}
            </option>
          )}
        </For>
      </select>
    </label>
  )
}
