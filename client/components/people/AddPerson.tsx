/** The form that adds a person (name, role); the server answers with their sign-in token, once. */
import { createSignal, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { ROLES } from '../../../shared/types'
import type { Role } from '../../../shared/types'
import { addUser } from '../../api'
import type { IssuedToken } from '../../api'
import { ErrorNote } from '../common/ErrorNote'

export const AddPerson: Component<{ onAdded: (issued: IssuedToken) => void }> = (props) => {
  const [name, setName] = createSignal('')
  const [role, setRole] = createSignal<Role>('annotator')
  const [error, setError] = createSignal<unknown>(null)
  const [busy, setBusy] = createSignal(false)
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setError(null)
    setBusy(true)
    try {
      const issued = await addUser(name().trim(), role())
      setName('')
      props.onAdded(issued)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="panel row add-person" aria-label="Add a person" onSubmit={(e) => void submit(e)}>
      <label>
        Name <input value={name()} required maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Role{' '}
        <select value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          {ROLES.map((r) => <option value={r}>{r}</option>)}
        </select>
      </label>
      <button type="submit" disabled={busy() || !name().trim()}>
        Add person
      </button>
      <Show when={error()}>
        <ErrorNote error={error()} />
      </Show>
    </form>
  )
}
