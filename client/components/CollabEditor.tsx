/** A labelled CodeMirror editor bound live to one Y.Text of a room. */
import { createEffect, onCleanup } from 'solid-js'
import type { Component } from 'solid-js'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { Extension } from '@codemirror/state'
import { createEditor } from '../editor/createEditor'
import { setReadOnly, workspaceEditor } from '../editor/workspaceEditor'

export const CollabEditor: Component<{
  ytext: Y.Text
  awareness: Awareness
  label: string
  readOnly: boolean
  language?: Extension
  wrap?: boolean
  placeholder?: string
}> = (props) => {
  // The text is fixed for this component's life; a different text means a new component.
  const ytext = props.ytext
  const undoManager = new Y.UndoManager(ytext)
  onCleanup(() => undoManager.destroy())
  const editor = createEditor(() => ({
    doc: ytext.toString(),
    extensions: workspaceEditor({
      ytext,
      awareness: props.awareness,
      undoManager,
      label: props.label,
      language: props.language,
      readOnly: props.readOnly,
      wrap: props.wrap,
      placeholder: props.placeholder,
    }),
  }))
  createEffect(() => {
    const view = editor.view()
    const readOnly = props.readOnly
    if (!view) return
    setReadOnly(view, readOnly)
    // Undo after losing write access would edit the Y.Text behind the server's back.
    if (readOnly) undoManager.clear()
  })
  return <div class="editor-host" ref={editor.ref} />
}
