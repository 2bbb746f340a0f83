/** The candidates area: one candidate's code and notes at a time, or two of them compared. */
import { createEffect, createSignal, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { EditorView } from '@codemirror/view'
import type { Candidate } from '../../../../shared/types'
import { useView } from '../../../stores/view'
import type { View } from '../../../stores/view'
import { CandidateTabs, tabId } from './CandidateTabs'
import { CandidateCode } from './CandidateCode'
import { CandidateNotes } from './CandidateNotes'
import { ComparePanel } from './ComparePanel'
import { candidateShortcuts } from './candidateShortcuts'
import { COMPARE_TAB } from '../workspaceUi'
import type { WorkspaceUi } from '../workspaceUi'
import { revealElement } from '../reveal'
import { useCandidateLabels } from '../../../stores/candidateLabels'

export const CandidatesPanel: Component<{
  candidates: Candidate[]
  language: string
  notes: Y.Map<Y.Text>
  awareness: Awareness
  readOnly: boolean
  ui: WorkspaceUi
}> = (props) => {
  const view = useView()
  const labels = useCandidateLabels()
  const ui = props.ui
  const ids = () => props.candidates.map((c) => c.id)
  const current = () => props.candidates.find((c) => c.id === ui.tab())
  const published = (): View =>
    ui.tab() === COMPARE_TAB
      ? { area: 'compare', compare: ui.pair() }
      : { area: 'candidate', candidateId: ui.tab() }
  let section: HTMLElement | undefined
  let notesView: EditorView | undefined
  // Publish what we look at; a followed person's view comes back through the reveals below.
  createEffect(() => view.setCurrent(published()))
  const revealCandidate = (v: View) => {
    if (v.candidateId && ids().includes(v.candidateId)) ui.setTab(v.candidateId)
    revealElement(section)
  }
  const revealCompare = (v: View) => {
    if (v.compare?.every((id) => ids().includes(id))) ui.setPair(v.compare)
    ui.setTab(COMPARE_TAB)
    revealElement(section)
  }
  onCleanup(view.registerArea('candidate', revealCandidate))
  onCleanup(view.registerArea('compare', revealCompare))
  candidateShortcuts({ ids: ids(), ui, focusNotes: () => notesView?.focus() })
  // Notes open to 12 lines when focused (a click, `n`) and stay open while focus is anywhere in
  // this pane: clicking back into the code then moves nothing under the pointer. They
  // fold when focus goes to another pane, not when the window loses focus. The pane itself takes
  // focus (tabindex -1), so a click on its blank parts keeps them open too.
  const [notesOpen, setNotesOpen] = createSignal(false)
  let foldTimer: ReturnType<typeof setTimeout> | undefined
  const foldNotesIfLeft = () => {
    clearTimeout(foldTimer)
    // After the focus change settles: activeElement is then where focus went.
    foldTimer = setTimeout(() => {
      if (document.hasFocus() && !section?.contains(document.activeElement)) setNotesOpen(false)
    })
  }
  onCleanup(() => clearTimeout(foldTimer))
  return (
    <section
      ref={section}
      class="pane candidates-pane"
      aria-label="Candidates"
      tabindex="-1"
      data-notes-open={notesOpen() ? '' : undefined}
      onFocusIn={() => view.setCurrent(published())}
      onFocusOut={(e) => {
        if (!section?.contains(e.relatedTarget as Node | null)) foldNotesIfLeft()
      }}
    >
      <CandidateTabs candidates={props.candidates} tab={ui.tab()} onSelect={ui.setTab} />
      <div
        id="candidate-panel"
        class="candidate-body"
        role="tabpanel"
        aria-labelledby={tabId(ui.tab() === COMPARE_TAB ? COMPARE_TAB : labels.key(ui.tab()))}
      >
        <Show
          when={ui.tab() !== COMPARE_TAB}
          fallback={
            <ComparePanel
              candidates={props.candidates}
              pair={ui.pair()}
              language={props.language}
              onPair={ui.setPair}
              onClose={ui.closeCompare}
            />
          }
        >
          <Show when={current()} keyed>
            {(c) => (
              <>
                <CandidateCode candidate={c} language={props.language} />
                <CandidateNotes
                  notes={props.notes}
                  candidateId={c.id}
                  awareness={props.awareness}
                  readOnly={props.readOnly}
                  onView={(v) => (notesView = v)}
                  onFocus={() => setNotesOpen(true)}
                />
              </>
            )}
          </Show>
        </Show>
      </div>
    </section>
  )
}
