/**
 * Distributing one batch: which annotators (all by default), how many per task, whether started
 * work may move too; then how many tasks each person has. Errors are shown as the server said them.
 */
import { createMemo, createResource, createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { Batch, User } from '../../../shared/types'
import { ApiError, distributeBatch, listUsers } from '../../api'
import { ErrorNote } from '../common/ErrorNote'

type Result = Awaited<ReturnType<typeof distributeBatch>>

export const DistributeForm: Component<{ batch: Batch; onDone?: () => void; onClose: () => void }> = (props) => {
  const [users] = createResource(listUsers)
  const annotators = createMemo<User[]>(() => (users() ?? []).filter((u) => u.role === 'annotator'))
  /** Annotators left out by the lead; everyone else is in. */
  const [unchecked, setUnchecked] = createSignal<ReadonlySet<string>>(new Set())
  const [perTask, setPerTask] = createSignal(String(props.batch.per_task ?? 1))
  const [moveStarted, setMoveStarted] = createSignal(false)
  const [error, setError] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [result, setResult] = createSignal<Result | null>(null)
  const nameOf = createMemo(() => new Map(annotators().map((u) => [u.id, u.name])))

  const toggle = (id: string, on: boolean) => {
    const next = new Set(unchecked())
    if (on) next.delete(id)
    else next.add(id)
    setUnchecked(next)
  }

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setError('')
    setResult(null)
    const chosen = annotators().filter((u) => !unchecked().has(u.id)).map((u) => u.id)
    const n = Number(perTask())
    if (!chosen.length) return setError('Choose at least one annotator.')
    if (!Number.isInteger(n) || n < 1 || n > chosen.length) return setError(`Annotators per task must be a whole number from 1 to ${chosen.length}.`)
    setBusy(true)
    try {
      setResult(await distributeBatch(props.batch.name, { annotators: chosen, per_task: n, reassign_started: moveStarted() }))
      props.onDone?.()
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="panel intake-form" noValidate onSubmit={submit} aria-label={`Distribute ${props.batch.name}`}>
      <h2>Distribute {props.batch.name}</h2>
      <p class="muted">
        Every unfinished task gets this many different annotators, as evenly as possible. Whoever has started a
        task keeps it unless you also move started work.
      </p>
      <Show when={users.error}>
        <ErrorNote error={users.error} />
      </Show>
      <fieldset>
        <legend>Annotators</legend>
        <For each={annotators()} fallback={<p class="muted">{users.loading ? 'Loading…' : 'No annotators yet.'}</p>}>
          {(u) => (
            <label class="check">
              <input type="checkbox" checked={!unchecked().has(u.id)} onChange={(e) => toggle(u.id, e.currentTarget.checked)} />
              {u.name}
            </label>
          )}
        </For>
      </fieldset>
      <label class="field">
        <span>Annotators per task</span>
        <input type="number" min="1" step="1" value={perTask()} onInput={(e) => setPerTask(e.currentTarget.value)} />
      </label>
      <label class="check">
        <input type="checkbox" checked={moveStarted()} onChange={(e) => setMoveStarted(e.currentTarget.checked)} />
        Also move started work
      </label>
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <div class="intake-actions">
        <button type="submit" class="primary" disabled={busy() || !annotators().length}>Distribute</button>
        <button type="button" onClick={() => props.onClose()}>Close</button>
      </div>
      <Show when={result()}>
        {(r) => (
          <section aria-label="Distribution result">
            <p role="status">
              Distributed {r().tasks} unfinished task{r().tasks === 1 ? '' : 's'}, {r().per_task} per task: {r().kept} kept,{' '}
              {r().moved} moved away, {r().added} given.
            </p>
            <table class="batch-list" aria-label="Tasks per person">
              <thead>
                <tr>
                  <th scope="col">Annotator</th>
                  <th scope="col">Tasks</th>
                </tr>
              </thead>
              <tbody>
                <For each={r().loads}>
                  {(l) => (
                    <tr>
                      <td>{nameOf().get(l.annotator) ?? l.annotator}</td>
                      <td>{l.tasks}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </section>
        )}
      </Show>
    </form>
  )
}
