/** Who is in the room right now, from awareness (names and palette colours only). */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { Person } from '../sync/createPresence'

export const PresenceList: Component<{ people: Person[] }> = (props) => (
  <section aria-labelledby="presence-title">
    <h2 id="presence-title">Here now</h2>
    <ul class="presence" aria-labelledby="presence-title">
      <For each={props.people} fallback={<li class="muted">Only you</li>}>
        {(person) => (
          <li>
            <span class="swatch" style={{ background: person.color }} aria-hidden="true" />
            <span class="person-name">{person.name}</span>
            <span class="muted small">
              {person.role}
              {person.self ? ' · you' : ''}
            </span>
          </li>
        )}
      </For>
    </ul>
  </section>
)
