/** One person in the room: colour, name, role and what they look at; a button to follow them. */
import { createUniqueId, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { describeView } from '../../../stores/presence'
import type { PresenceEntry } from '../../../stores/presence'
import { useCandidateLabels } from '../../../stores/candidateLabels'

export const PresencePerson: Component<{
  person: PresenceEntry
  following: boolean
  onFollow: () => void
}> = (props) => {
  const detailId = createUniqueId()
  const labels = useCandidateLabels()
  const body = () => (
    <>
      <span class="swatch" style={{ background: props.person.color }} aria-hidden="true" />
      <span class="presence-text">
        <span>
          <span class="person-name">{props.person.name}</span>
          <Show when={props.person.self}>
            <span class="muted"> (you)</span>
          </Show>
        </span>
        <span class="muted small presence-detail" id={detailId}>
          {props.person.role} · {describeView(props.person.view, labels.label)}
        </span>
      </span>
    </>
  )
  return (
    <li class="presence-person" classList={{ 'presence-followed': props.following }}>
      <Show when={!props.person.self} fallback={<div class="presence-row">{body()}</div>}>
        <button
          type="button"
          class="presence-row presence-follow"
          aria-label={`Follow ${props.person.name}`}
          aria-describedby={detailId}
          aria-pressed={props.following}
          onClick={() => props.onFollow()}
        >
          {body()}
        </button>
      </Show>
    </li>
  )
}
