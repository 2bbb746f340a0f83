/** Who is in the room right now, what each person looks at, and following one of them. */
import { createUniqueId, For, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { Awareness } from 'y-protocols/awareness'
import { createPresenceStore } from '../../../stores/presence'
import { useView } from '../../../stores/view'
import { PresencePerson } from './PresencePerson'
import { stopFollowingOnOwnNavigation } from './presenceFollow'
import '../../../styles/review.css'

export const PresenceList: Component<{ awareness: Awareness }> = (props) => {
  const presence = createPresenceStore(props.awareness)
  const view = useView()
  const uid = createUniqueId()
  let section!: HTMLElement
  onCleanup(stopFollowingOnOwnNavigation(view, () => section))
  const followed = () => {
    const id = view.following()
    return id === null ? undefined : presence.people.find((p) => p.clientIds.includes(id))
  }

  return (
    <section ref={section} class="presence-panel" aria-labelledby={`${uid}-title`}>
      <h2 id={`${uid}-title`}>Here now</h2>
      <Show when={followed()}>
        {(p) => (
          <p class="presence-following" role="status">
            <span class="swatch" style={{ background: p().color }} aria-hidden="true" />
            Following {p().name}
            <button type="button" class="link" onClick={() => view.follow(null)}>
              Stop following
            </button>
          </p>
        )}
      </Show>
      <ul class="presence" aria-labelledby={`${uid}-title`}>
        <For each={presence.people}>
          {(person) => (
            <PresencePerson
              person={person}
              following={followed()?.id === person.id}
              onFollow={() => view.follow(followed()?.id === person.id ? null : person.clientId)}
            />
          )}
        </For>
      </ul>
    </section>
  )
}
