/** The batch editor: name, mode, blind, run time limit, guidelines with a preview, rubric; errors inline. */
import { createSignal, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { Batch, BatchMode, RubricCriterion } from '../../../shared/types'
import { ApiError, saveBatch } from '../../api'
import { MarkdownView } from '../common/MarkdownView'
import { RubricEditor } from './RubricEditor'

/** A new batch's starting values on the page: blind, collaborative, 5 s, no rubric rows yet. */
const BLANK = { name: '', mode: 'collaborative' as BatchMode, blind: true, run_timeout_ms: 5000, guidelines: '', rubric: [] as RubricCriterion[] }

export const BatchForm: Component<{ batch: Batch | null; onSaved: (batch: Batch) => void; onCancel: () => void }> = (props) => {
  const start = props.batch ?? BLANK
  const [name, setName] = createSignal(start.name)
  const [mode, setMode] = createSignal<BatchMode>(start.mode)
  const [blind, setBlind] = createSignal(start.blind)
  const [seconds, setSeconds] = createSignal(String(start.run_timeout_ms / 1000))
  const [guidelines, setGuidelines] = createSignal(start.guidelines)
  const [rubric, setRubric] = createSignal<RubricCriterion[]>(start.rubric.map((c) => ({ ...c })))
  const [error, setError] = createSignal('')
  const [saving, setSaving] = createSignal(false)

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    setError('')
    setSaving(true)
    try {
      const saved = await saveBatch({
        name: name().trim(),
        mode: mode(),
        blind: blind(),
        run_timeout_ms: Math.round(Number(seconds()) * 1000),
        guidelines: guidelines(),
        rubric: rubric(),
      })
      props.onSaved(saved)
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <form class="panel intake-form" noValidate onSubmit={submit} aria-label={props.batch ? `Edit batch ${props.batch.name}` : 'New batch'}>
      <h2>{props.batch ? `Edit ${props.batch.name}` : 'New batch'}</h2>
      <label class="field">
        <span>Name</span>
        <input value={name()} readOnly={!!props.batch} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>Mode</span>
        <select value={mode()} onChange={(e) => setMode(e.currentTarget.value as BatchMode)}>
          <option value="collaborative">Collaborative: the team edits one shared workspace</option>
          <option value="independent">Independent: private ballots first, then consensus</option>
        </select>
      </label>
      <label class="check">
        <input type="checkbox" checked={blind()} onChange={(e) => setBlind(e.currentTarget.checked)} />
        Blind: everyone sees candidates as A, B, C…; only the lead sees models
      </label>
      <label class="field">
        <span>Run time limit (seconds per subject, 1–60)</span>
        <input type="number" min="1" max="60" step="0.5" value={seconds()} onInput={(e) => setSeconds(e.currentTarget.value)} />
      </label>
      <div class="guidelines-edit">
        <label class="field">
          <span>Guidelines (markdown)</span>
          <textarea value={guidelines()} onInput={(e) => setGuidelines(e.currentTarget.value)} />
        </label>
        <section aria-label="Guidelines preview" class="guidelines-preview">
          <MarkdownView text={guidelines() || '*Nothing yet.*'} />
        </section>
      </div>
      <RubricEditor rubric={rubric()} onChange={setRubric} />
      <Show when={error()}>
        <p class="error" role="alert">{error()}</p>
      </Show>
      <div class="intake-actions">
        <button type="submit" class="primary" disabled={saving()}>Save batch</button>
        <button type="button" onClick={() => props.onCancel()}>Cancel</button>
      </div>
    </form>
  )
}
