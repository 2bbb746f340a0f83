/** A labelled CodeMirror editor bound live to one Y.Text of a room. */
import { createEffect, onCleanup } from 'solid-js'
import type { Component } from 'solid-js'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { EditorView } from '@codemirror/view'
import { createEditor } from '../../../editor/createEditor'
import { setReadOnly, workspaceEditor } from '../../../editor/workspaceEditor'
import { PROSE_MARKDOWN } from '../../../editor/languages'
import { applyLanguage } from '../../../editor/languageSlot'
import { fieldOf } from '../../../../shared/anchors'
import { commentMarks } from '../../../editor/commentMarks'
import { useComments } from '../../../stores/comments'

export const CollabEditor: Component<{
  ytext: Y.Text
  awareness: Awareness
  label: string
  readOnly: boolean
  /** Markdown prose (soft-wrapped); otherwise code in `language`. */
  prose?: boolean
  /** The task language of a code editor, highlighted once its package loads. */
  language?: string
  placeholder?: string
  /** Receives the view once it exists, e.g. to focus it from a shortcut. */
  onView?: (view: EditorView | undefined) => void
  onFocus?: () => void
}> = (props) => {
  // The text is fixed for this component's life; a different text means a new component.
  const ytext = props.ytext
  const undoManager = new Y.UndoManager(ytext)
  onCleanup(() => undoManager.destroy())
  // Inside a workspace every anchorable text carries comments: highlights, Ctrl+Alt+M.
  const comments = useComments()
  const field = comments ? fieldOf(ytext) : null
  const editor = createEditor(() => ({
    doc: ytext.toString(),
    extensions: [
      comments && field
        ? commentMarks({ onComment: (v) => comments.startDraft(v), onOpenThread: comments.setActive })
        : [],
      workspaceEditor({
      ytext,
      awareness: props.awareness,
      undoManager,
      label: props.label,
      code: !props.prose,
      readOnly: props.readOnly,
      wrap: props.prose,
      placeholder: props.placeholder,
      }),
    ],
  }))
  createEffect(() => {
    const view = editor.view()
    if (view && comments && field) onCleanup(comments.register({ kind: 'text', field, view, ytext }))
  })
  createEffect(() => {
    const view = editor.view()
    props.onView?.(view)
    const language = props.prose ? PROSE_MARKDOWN : props.language
    if (view && language) applyLanguage(view, language)
  })
  createEffect(() => {
    const view = editor.view()
    const readOnly = props.readOnly
    if (!view) return
    setReadOnly(view, readOnly)
    // Undo after losing write access would edit the Y.Text behind the server's back.
    if (readOnly) undoManager.clear()
  })
  return (
    <div
      class={props.prose ? 'editor-host prose' : 'editor-host'}
      ref={editor.ref}
      onFocusIn={() => props.onFocus?.()}
    />
  )
}
