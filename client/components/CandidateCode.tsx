/** One candidate's code in a read-only CodeMirror view, highlighted in the task's language. */
import { createEffect } from 'solid-js'
import type { Component } from 'solid-js'
import type { Candidate } from '../../shared/types'
import { createEditor } from '../editor/createEditor'
import { codeView } from '../editor/codeView'
import { applyLanguage } from '../editor/languageSlot'

export const CandidateCode: Component<{ candidate: Candidate; language: string }> = (props) => {
  // Built once per candidate: the parent re-creates this component when the candidate changes.
  const editor = createEditor(() => ({
    doc: props.candidate.code,
    extensions: codeView({ label: `Code of candidate ${props.candidate.id}` }),
  }))
  createEffect(() => {
    const view = editor.view()
    if (view) applyLanguage(view, props.language)
  })
  return <div class="editor-host code-host" ref={editor.ref} />
}
