/** createEditor: a CodeMirror view bound to a host element for the lifetime of its owner. */
import { createEffect, createSignal, onCleanup, untrack } from 'solid-js'
import type { Accessor } from 'solid-js'
import { EditorState } from '@codemirror/state'
import type { EditorStateConfig } from '@codemirror/state'
import { EditorView } from '@codemirror/view'

export interface EditorHandle {
  /** Pass as `ref={editor.ref}` on the element that should host the editor. */
  ref: (el: HTMLElement) => void
  /** The live view, once the host is mounted. */
  view: Accessor<EditorView | undefined>
}

/**
 * Builds the view when the host element appears, from `config()` read at that moment (the config
 * is not tracked: reconfigure through compartments instead). The view captured by the effect is
 * the one destroyed, so cleanup never depends on the signal's current value.
 */
export function createEditor(config: () => EditorStateConfig): EditorHandle {
  const [host, setHost] = createSignal<HTMLElement>()
  const [view, setView] = createSignal<EditorView>()
  createEffect(() => {
    const parent = host()
    if (!parent) return
    const created = new EditorView({ state: EditorState.create(untrack(config)), parent })
    setView(created)
    onCleanup(() => {
      created.destroy()
      setView(undefined)
    })
  })
  return { ref: setHost, view }
}
