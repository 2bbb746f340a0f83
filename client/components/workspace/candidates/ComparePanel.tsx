/** The compare view: pick any two candidates, see their code side by side as a diff. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { Candidate } from '../../../../shared/types'
import { CompareView } from './CompareView'
import { useCandidateLabels } from '../../../stores/candidateLabels'

const CandidateSelect: Component<{
  label: string
  candidates: Candidate[]
  value: string
  onChange: (id: string) => void
}> = (props) => {
  const labels = useCandidateLabels()
  const text = (c: Candidate) => (labels.model(c) ? `${labels.label(c.id)} · ${labels.model(c)}` : labels.label(c.id))
  return (
    <label class="compare-pick">
      <span>{props.label}</span>
      <select value={labels.key(props.value)} onChange={(e) => props.onChange(labels.idOf(e.currentTarget.value))}>
        <For each={props.candidates}>{(c) => <option value={labels.key(c.id)}>{text(c)}</option>}</For>
      </select>
    </label>
  )
}

export const ComparePanel: Component<{
  candidates: Candidate[]
  pair: [string, string]
  language: string
  onPair: (pair: [string, string]) => void
  /** Leaves Compare (Escape, or the Close button). */
  onClose: () => void
}> = (props) => {
  const find = (id: string) => props.candidates.find((c) => c.id === id)
  const left = () => find(props.pair[0])
  const right = () => find(props.pair[1])
  return (
    <div class="compare" role="group" aria-label="Compare candidates">
      <div class="compare-bar">
        <CandidateSelect
          label="Left candidate"
          candidates={props.candidates}
          value={props.pair[0]}
          onChange={(id) => props.onPair([id, props.pair[1]])}
        />
        <button
          type="button"
          class="icon"
          title="Swap sides"
          aria-label="Swap sides"
          onClick={() => props.onPair([props.pair[1], props.pair[0]])}
        >
          ⇄
        </button>
        <CandidateSelect
          label="Right candidate"
          candidates={props.candidates}
          value={props.pair[1]}
          onChange={(id) => props.onPair([props.pair[0], id])}
        />
        <button type="button" class="compare-close" onClick={() => props.onClose()}>
          Close <kbd>Esc</kbd>
        </button>
      </div>
      <Show when={left() && right() ? ([left()!, right()!] as const) : undefined} keyed>
        {([l, r]) => <CompareView left={l} right={r} language={props.language} onClose={props.onClose} />}
      </Show>
    </div>
  )
}
