/** languageSlot: where a view's task-language highlighting goes once its package has loaded. */
import { Compartment } from '@codemirror/state'
import type { Extension } from '@codemirror/state'
import type { EditorView } from '@codemirror/view'
import { loadLanguage } from './languages'

// One compartment serves every view: a compartment's content is stored per editor state.
const slot = new Compartment()

/** An empty placeholder to include in a view's extensions; fill it with `applyLanguage`. */
export function languageSlot(): Extension {
  return slot.of([])
}

/**
 * Loads `language` lazily and installs it in `view`. Safe after the view is destroyed
 * (CodeMirror ignores dispatches to a destroyed view).
 */
export function applyLanguage(view: EditorView, language: string): void {
  void loadLanguage(language).then((ext) => view.dispatch({ effects: slot.reconfigure(ext) }))
}
