/** workspaceEditor: the CodeMirror extension for a shared workspace text (Yjs-bound, labelled). */
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import { Compartment, EditorState, Prec } from '@codemirror/state'
import type { Extension } from '@codemirror/state'
import {
  drawSelection,
  EditorView,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder as placeholderText,
} from '@codemirror/view'
import { defaultKeymap } from '@codemirror/commands'
import { defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language'
import { safeAwareness } from './safeAwareness'
import { languageSlot } from './languageSlot'
import { tabFocus } from './tabFocus'

export interface WorkspaceEditorOptions {
  ytext: Y.Text
  awareness: Awareness
  /** Shared by the caller so it can be cleared or inspected; tracks this editor's edits. */
  undoManager: Y.UndoManager
  /** The accessible name ("Explanation", "Reference solution", "Tests"; docs/workspace.md). */
  label: string
  /**
   * Code rather than prose: line numbers, and Tab indents once the person typed here (see
   * tabFocus.ts: Escape always leaves). Either way, fill the language with `applyLanguage`.
   */
  code?: boolean
  readOnly: boolean
  /** Soft-wrap long lines (prose); code scrolls horizontally instead. */
  wrap?: boolean
  placeholder?: string
}

// One compartment for every editor: a compartment's content is stored per editor state.
const readOnlyCompartment = new Compartment()

/** Read-only blocks typing and also Yjs undo, which would otherwise edit the Y.Text directly. */
function readOnlyExtension(readOnly: boolean): Extension {
  if (!readOnly) return keymap.of(yUndoManagerKeymap)
  return [
    EditorState.readOnly.of(true),
    Prec.highest(
      EditorView.domEventHandlers({
        beforeinput: (e) => e.inputType === 'historyUndo' || e.inputType === 'historyRedo',
      }),
    ),
  ]
}

// The surrounding pane draws the frame; the editor only shows focus, inset so nothing moves.
const editorTheme = EditorView.theme({
  '&': { background: 'var(--surface)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
  '.cm-content': { padding: '0.35rem 0' },
  '.cm-line': { padding: '0 0.6rem' },
  // CodeMirror's default grey placeholder is under 4.5:1 contrast; text must reach it.
  '.cm-placeholder': { color: 'var(--muted)' },
})

const codeExtensions: Extension = [lineNumbers(), indentOnInput()]

/**
 * Composes `yCollab` with the workspace's keymap, theme and accessible name. Create the state
 * with `doc: ytext.toString()`: yCollab follows changes but does not load the initial text.
 * The history extension is deliberately absent: undo goes through the Y.UndoManager only.
 */
export function workspaceEditor(options: WorkspaceEditorOptions): Extension {
  return [
    yCollab(options.ytext, safeAwareness(options.awareness), {
      undoManager: options.undoManager,
    }),
    readOnlyCompartment.of(readOnlyExtension(options.readOnly)),
    keymap.of(defaultKeymap),
    highlightSpecialChars(),
    drawSelection(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    languageSlot(),
    options.code ? codeExtensions : [],
    tabFocus({ indent: options.code === true }),
    options.wrap ? EditorView.lineWrapping : [],
    options.placeholder ? placeholderText(options.placeholder) : [],
    // tabindex 0: CodeMirror's content is focusable anyway; axe-core only counts it with one.
    EditorView.contentAttributes.of({ 'aria-label': options.label, tabindex: '0' }),
    editorTheme,
  ]
}

/** Switches an editor built by `workspaceEditor` between read-only and writable. */
export function setReadOnly(view: EditorView, readOnly: boolean): void {
  view.dispatch({ effects: readOnlyCompartment.reconfigure(readOnlyExtension(readOnly)) })
}
