/**
 * One person in the lead's people table: name, role (changeable), figures, a new sign-in link, and
 * removal behind a confirm step. The signed-in lead cannot change their own role or remove
 * themselves (the server refuses both too).
 */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import { ROLES } from '../../../shared/types'
import type { Role, User } from '../../../shared/types'
import type { PeopleSummary } from '../../api'

export type PersonFigures = PeopleSummary['people'][number]

export interface PersonActions {
  changeRole: (user: User, role: Role) => void
  newLink: (user: User) => void
  remove: (user: User) => void
}

/**
 * `confirming` and `setConfirming` belong to the page, keyed by person: the list is re-read after
 * every action, and a row made anew must not forget that its removal was being confirmed.
 */
export const PersonRow: Component<{
  user: User
  figures?: PersonFigures
  self: boolean
  busy: boolean
  actions: PersonActions
  confirming: boolean
  setConfirming: (on: boolean) => void
}> = (props) => {
  const confirming = () => props.confirming
  const setConfirming = (on: boolean) => props.setConfirming(on)
  const name = () => props.user.name
  return (
    <tr data-person={props.user.id}>
      <th scope="row">
        {name()}
        <Show when={props.self}>
          <span class="muted small"> (you)</span>
        </Show>
      </th>
      <td>
        <select
          aria-label={`Role of ${name()}`}
          value={props.user.role}
          disabled={props.self || props.busy}
          onChange={(e) => props.actions.changeRole(props.user, e.currentTarget.value as Role)}
        >
          {ROLES.map((r) => <option value={r} selected={r === props.user.role}>{r}</option>)}
        </select>
      </td>
      <td class="num">{props.figures?.assigned ?? '—'}</td>
      <td class="num">{props.figures?.submitted ?? '—'}</td>
      <td class="num">{props.figures?.finalized ?? '—'}</td>
      <td class="num">{props.figures ? props.figures.hours_week.toFixed(2) : '—'}</td>
      <td class="actions">
        <button type="button" class="link" disabled={props.busy} aria-label={`New link for ${name()}`} onClick={() => props.actions.newLink(props.user)}>
          New link
        </button>{' '}
        <Show when={!props.self}>
          <Show
            when={confirming()}
            fallback={
              <button type="button" class="link" disabled={props.busy} aria-label={`Remove ${name()}`} onClick={() => setConfirming(true)}>
                Remove
              </button>
            }
          >
            <span role="group" aria-label={`Confirm removing ${name()}`} class="confirm">
              Remove {name()}? Their sessions end and they leave every task.{' '}
              <button
                type="button"
                class="danger"
                onClick={() => {
                  setConfirming(false)
                  props.actions.remove(props.user)
                }}
              >
                Yes, remove {name()}
              </button>{' '}
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </span>
          </Show>
        </Show>
      </td>
    </tr>
  )
}
