/** Who is in a task's workspace right now, live from the server's presence events. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { PresentUser } from '../../../shared/types'
import { safeColor } from '../../../shared/presence'

export const QueuePresent: Component<{ people: PresentUser[] }> = (props) => (
  <Show when={props.people.length > 0} fallback={<span class="muted small">Nobody</span>}>
    <ul class="queue-present" aria-label="Here now">
      <For each={props.people}>
        {(person) => (
          <li>
            <span class="swatch" style={{ background: safeColor(person.color) }} aria-hidden="true" />
            {person.name}
            <span class="muted small">{person.role}</span>
          </li>
        )}
      </For>
    </ul>
  </Show>
)
