/** codeView: the read-only CodeMirror extension for candidate code (line numbers, highlighting). */
import { EditorState } from '@codemirror/state'
import type { Extension } from '@codemirror/state'
import {
  drawSelection,
  EditorView,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view'
import { defaultKeymap } from '@codemirror/commands'
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { languageSlot } from './languageSlot'
import { tabFocus } from './tabFocus'

const codeTheme = EditorView.theme({
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
})

/** Options of `codeView`. */
export interface CodeViewOptions {
  /** The accessible name, e.g. "Code of candidate a". */
  label: string
  /** Escape runs this instead of leaving to the pane (Compare closes itself). */
  onEscape?: (view: EditorView) => boolean
}

/**
 * Candidate code never changes (it is part of the imported task), so the view is read-only but
 * still focusable: people select, copy and move through it with the keyboard. Fill the
 * language with `applyLanguage(view, task.language)`.
 */
export function codeView(options: CodeViewOptions): Extension {
  return [
    EditorState.readOnly.of(true),
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    drawSelection(),
    keymap.of(defaultKeymap),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    languageSlot(),
    tabFocus({ indent: false, onEscape: options.onEscape }),
    EditorView.contentAttributes.of({ 'aria-label': options.label, tabindex: '0' }),
    codeTheme,
  ]
}
