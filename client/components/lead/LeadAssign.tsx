/** A task's assignees by name, and a small form to change them (`POST /api/tasks/:id/assign`). */
import { createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { TaskSummary, User } from '../../../shared/types'
import { assignTask } from '../../api'

export const LeadAssign: Component<{
  task: TaskSummary
  names: Map<string, string>
  annotators: User[]
  onAssigned: () => void
}> = (props) => {
  const [open, setOpen] = createSignal(false)
  const [chosen, setChosen] = createSignal<Set<string>>(new Set())
  const [error, setError] = createSignal('')
  const [saving, setSaving] = createSignal(false)
  const label = () =>
    props.task.assignees.length === 0
      ? 'Unassigned'
      : props.task.assignees.map((id) => props.names.get(id) ?? id).join(', ')
  const start = () => {
    setChosen(new Set(props.task.assignees))
    setError('')
    setOpen(true)
  }
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen())
    if (on) next.add(id)
    else next.delete(id)
    setChosen(next)
  }
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    setSaving(true)
    try {
      await assignTask(props.task.id, [...chosen()])
      setOpen(false)
      props.onAssigned()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setSaving(false)
    }
  }
  return (
    <div class="lead-assign">
      <span classList={{ muted: props.task.assignees.length === 0 }}>{label()}</span>{' '}
      <Show
        when={open()}
        fallback={
          <button type="button" class="link small" onClick={start} aria-label={`Assign ${props.task.title || props.task.id}`}>
            Assign
          </button>
        }
      >
        <form class="assign-form" onSubmit={save} aria-label={`Annotators of ${props.task.title || props.task.id}`}>
          <For each={props.annotators} fallback={<p class="muted small">No annotators yet.</p>}>
            {(u) => (
              <label class="small">
                <input type="checkbox" checked={chosen().has(u.id)} onChange={(e) => toggle(u.id, e.currentTarget.checked)} />{' '}
                {u.name}
              </label>
            )}
          </For>
          <Show when={error()}>
            <p class="error small" role="alert">
              {error()}
            </p>
          </Show>
          <div class="composer-row">
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" disabled={saving()}>
              Save
            </button>
          </div>
        </form>
      </Show>
    </div>
  )
}
