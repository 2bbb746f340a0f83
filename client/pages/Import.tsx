/** `/lead/import`: the lead imports a JSONL file into a batch, with progress, then the result or every bad line. */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { listBatches, listUsers } from '../api'
import { useMe } from '../stores/session'
import { FileDrop } from '../components/import/FileDrop'
import { ImportErrors } from '../components/import/ImportErrors'
import { uploadImport } from './importUpload'
import type { ImportOutcome } from './importUpload'
import '../styles/intake.css'

const ImportForm: Component = () => {
  const [batches] = createResource(listBatches)
  const [users] = createResource(listUsers)
  const annotators = () => (users() ?? []).filter((u) => u.role === 'annotator')
  const [batch, setBatch] = createSignal('')
  const [file, setFile] = createSignal<File | null>(null)
  const [skip, setSkip] = createSignal(false)
  const [assign, setAssign] = createSignal<string[]>([])
  const [blind, setBlind] = createSignal(true)
  /** The typed name is not a batch yet: the import will create it. */
  const creates = () => {
    const name = batch().trim()
    return name !== '' && batches() !== undefined && !batches()!.some((b) => b.name === name)
  }
  const [progress, setProgress] = createSignal<number | null>(null)
  const [outcome, setOutcome] = createSignal<ImportOutcome | null>(null)
  const [problem, setProblem] = createSignal('')

  const toggle = (id: string, on: boolean) => setAssign((a) => (on ? [...a, id] : a.filter((x) => x !== id)))
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const f = file()
    setProblem('')
    if (!batch().trim()) return setProblem('Choose a batch or type a new name.')
    if (!f) return setProblem('Choose a JSONL file, or drop one on the box.')
    setOutcome(null)
    setProgress(0)
    const result = await uploadImport({
      batch: batch().trim(),
      file: f,
      skipExisting: skip(),
      assign: assign(),
      ...(creates() ? { blind: blind() } : {}),
      onProgress: setProgress,
    })
    setProgress(null)
    setOutcome(result)
  }

  return (
    <form class="panel intake-form" onSubmit={submit} aria-label="Import tasks">
      <h1>Import tasks</h1>
      <p class="muted">
        One task per line (JSONL). All lines or none: on any problem nothing is imported and every bad line is
        listed.
      </p>
      <label class="field">
        <span>Batch</span>
        <input list="import-batches" value={batch()} onInput={(e) => setBatch(e.currentTarget.value)} placeholder="existing or new name" />
        <datalist id="import-batches">
          <For each={batches() ?? []}>{(b) => <option value={b.name} />}</For>
        </datalist>
      </label>
      <Show when={creates()}>
        <p class="small muted" role="note">
          “{batch().trim()}” is not a batch yet: this import creates it (collaborative, the default rubric).
        </p>
        <label class="check">
          <input type="checkbox" checked={blind()} onChange={(e) => setBlind(e.currentTarget.checked)} />
          Blind: everyone sees candidates as A, B, C…; only you see models
        </label>
      </Show>
      <FileDrop file={file()} onFile={setFile} />
      <label class="check">
        <input type="checkbox" checked={skip()} onChange={(e) => setSkip(e.currentTarget.checked)} />
        Skip tasks that exist (otherwise an existing id refuses the file)
      </label>
      <Show when={annotators().length}>
        <fieldset class="assign-on-import">
          <legend>Assign to</legend>
          <For each={annotators()}>
            {(u) => (
              <label class="check">
                <input type="checkbox" checked={assign().includes(u.id)} onChange={(e) => toggle(u.id, e.currentTarget.checked)} />
                {u.name}
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <div class="intake-actions">
        <button type="submit" class="primary" disabled={progress() !== null}>
          Import
        </button>
        <Show when={progress() !== null}>
          <progress aria-label="Upload progress" max="1" value={progress() ?? 0} />
          <span class="small muted">{progress()! < 1 ? `${Math.round(progress()! * 100)}% sent` : 'Checking every line…'}</span>
        </Show>
      </div>
      <Show when={problem()}>
        <p class="error" role="alert">{problem()}</p>
      </Show>
      <Show when={outcome()}>
        {(o) => {
          const r = o()
          return r.ok ? (
            <p class="import-done" role="status">
              Imported {r.imported} task{r.imported === 1 ? '' : 's'} into{' '}
              {r.batchCreated ? `a new ${r.blind ? 'blind' : 'open-label'} batch` : 'batch'} “{r.batch}”.
              {r.skipped ? ` Skipped ${r.skipped} that existed: ${r.skippedIds.join(', ')}.` : ''}
            </p>
          ) : (
            <ImportErrors status={r.status} errors={r.errors} message={r.message} />
          )
        }}
      </Show>
    </form>
  )
}

const Import: Component = () => {
  const me = useMe()
  return (
    <Show when={me().role === 'lead'} fallback={<p class="panel narrow">Only the lead imports tasks.</p>}>
      <ImportForm />
    </Show>
  )
}

export default Import
