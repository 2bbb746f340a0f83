/** One candidate's code in a read-only CodeMirror view, highlighted in the task's language. */
import { createEffect, onCleanup } from 'solid-js'
import type { Component } from 'solid-js'
import type { Candidate } from '../../../../shared/types'
import { createEditor } from '../../../editor/createEditor'
import { codeView } from '../../../editor/codeView'
import { applyLanguage } from '../../../editor/languageSlot'
import { commentMarks } from '../../../editor/commentMarks'
import { useComments } from '../../../stores/comments'
import { useCandidateLabels } from '../../../stores/candidateLabels'

export const CandidateCode: Component<{ candidate: Candidate; language: string }> = (props) => {
  // Built once per candidate: the parent re-creates this component when the candidate changes.
  // Comments on lines of the code: select lines, then Ctrl+Alt+M or "Comment".
  const comments = useComments()
  const labels = useCandidateLabels()
  const editor = createEditor(() => ({
    doc: props.candidate.code,
    extensions: [
      codeView({ label: `Code of candidate ${labels.label(props.candidate.id)}` }),
      comments
        ? commentMarks({ onComment: (v) => comments.startDraft(v), onOpenThread: comments.setActive })
        : [],
    ],
  }))
  createEffect(() => {
    const view = editor.view()
    if (view) applyLanguage(view, props.language)
  })
  createEffect(() => {
    const view = editor.view()
    const candidate = props.candidate.id
    if (view && comments) onCleanup(comments.register({ kind: 'lines', candidate, view }))
  })
  return <div class="editor-host code-host" ref={editor.ref} />
}
