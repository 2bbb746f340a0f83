/** Who is in a task's workspace right now, live from the server's presence events. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { PresentUser } from '../../../shared/types'
import { safeColor } from '../../../shared/presence'

/** One line per person; `detail` is the small text after the name (plain text, never HTML). */
export const PresentPeople: Component<{
  people: PresentUser[]
  detail: (person: PresentUser) => string | undefined
}> = (props) => (
  <Show when={props.people.length > 0} fallback={<span class="muted small">Nobody</span>}>
    <ul class="queue-present" aria-label="Here now">
      <For each={props.people}>
        {(person) => (
          <li>
            <span class="swatch" style={{ background: safeColor(person.color) }} aria-hidden="true" />
            {person.name}
            <Show when={props.detail(person)}>{(detail) => <span class="muted small">{detail()}</span>}</Show>
          </li>
        )}
      </For>
    </ul>
  </Show>
)
