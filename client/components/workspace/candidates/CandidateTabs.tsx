/** The candidates' tab strip: one tab per candidate, then Compare; arrows move between them. */
import { For } from 'solid-js'
import type { Component, JSX } from 'solid-js'
import type { Candidate } from '../../../../shared/types'
import { COMPARE_TAB } from '../workspaceUi'
import { useCandidateLabels } from '../../../stores/candidateLabels'

/** The id of the tab element for `key` (a candidate's label key, or COMPARE_TAB). */
export const tabId = (key: string) => `cand-tab-${encodeURIComponent(key)}`

const Tab: Component<{
  tab: string
  /** The DOM key of the tab (the candidate's label key when blind). */
  domKey: string
  selected: boolean
  hint: string
  title?: string
  onSelect: (tab: string) => void
  children: JSX.Element
}> = (props) => (
  <button
    id={tabId(props.domKey)}
    type="button"
    role="tab"
    class="tab"
    title={props.title}
    // No aria-label: the name is the visible id and model (the key hint is aria-hidden), so what
    // a speech user reads out is what the tab is called (axe: label-content-name-mismatch).
    aria-selected={props.selected}
    aria-controls="candidate-panel"
    tabindex={props.selected ? 0 : -1}
    onClick={() => props.onSelect(props.tab)}
  >
    <kbd class="hint" aria-hidden="true">
      {props.hint}
    </kbd>
    {props.children}
  </button>
)

export const CandidateTabs: Component<{
  candidates: Candidate[]
  tab: string
  onSelect: (tab: string) => void
}> = (props) => {
  const labels = useCandidateLabels()
  const keyOf = (tab: string) => (tab === COMPARE_TAB ? COMPARE_TAB : labels.key(tab))
  const tabs = () => [...props.candidates.map((c) => c.id), COMPARE_TAB]
  // WAI-ARIA tabs with automatic activation: arrows, Home and End select and focus.
  const onKeyDown = (e: KeyboardEvent) => {
    const all = tabs()
    const at = all.indexOf(props.tab)
    const moves: Record<string, number> = {
      ArrowRight: (at + 1) % all.length,
      ArrowLeft: (at - 1 + all.length) % all.length,
      Home: 0,
      End: all.length - 1,
    }
    const next = moves[e.key]
    if (next === undefined) return
    e.preventDefault()
    props.onSelect(all[next])
    document.getElementById(tabId(keyOf(all[next])))?.focus()
  }
  return (
    <div class="tabs" role="tablist" aria-label="Candidates" onKeyDown={onKeyDown}>
      <For each={props.candidates}>
        {(c, i) => (
          <Tab
            tab={c.id}
            domKey={labels.key(c.id)}
            selected={props.tab === c.id}
            hint={String(i() + 1)}
            title={labels.model(c) ?? `Candidate ${labels.label(c.id)}`}
            onSelect={props.onSelect}
          >
            <span class="tab-name">{labels.label(c.id)}</span>{' '}
            <span class="tab-model">{labels.model(c) ?? ''}</span>
          </Tab>
        )}
      </For>
      <Tab
        tab={COMPARE_TAB}
        domKey={COMPARE_TAB}
        selected={props.tab === COMPARE_TAB}
        hint="c"
        onSelect={props.onSelect}
      >
        Compare
      </Tab>
    </div>
  )
}
