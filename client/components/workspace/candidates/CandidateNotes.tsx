/** "Notes on <candidate>": a small co-edited editor over the candidate's notes Y.Text. */
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { EditorView } from '@codemirror/view'
import { createMapEntry } from '../../../sync/createMapEntry'
import { asText } from '../../../../shared/readers'
import { CollabEditor } from '../editors/CollabEditor'

export const CandidateNotes: Component<{
  notes: Y.Map<Y.Text>
  candidateId: string
  awareness: Awareness
  readOnly: boolean
  onView?: (view: EditorView | undefined) => void
  onFocus?: () => void
}> = (props) => {
  // Created at import, so it may arrive with the first sync; never created here.
  const entry = createMapEntry(props.notes, props.candidateId)
  // Read through the shared reader: anything but a plain Y.Text (a number, a Y.XmlText) is absent.
  const ytext = () => asText(entry()) ?? undefined
  const labels = useCandidateLabels()
  const label = () => `Notes on ${labels.label(props.candidateId)}`
  return (
    <section class="notes" aria-label={label()}>
      <h3 class="notes-title">{label()}</h3>
      <Show when={ytext()} keyed fallback={<p class="muted small notes-wait">Loading notes…</p>}>
        {(text) => (
          <CollabEditor
            ytext={text}
            awareness={props.awareness}
            label={label()}
            readOnly={props.readOnly}
            prose
            placeholder="What is wrong or right here? Cite lines."
            onView={props.onView}
            onFocus={props.onFocus}
          />
        )}
      </Show>
    </section>
  )
}
