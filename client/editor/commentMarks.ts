/** commentMarks: highlights of comment threads in an editor, mapped through every change. */
import { RangeSetBuilder, StateEffect, StateField } from '@codemirror/state'
import type { Extension } from '@codemirror/state'
import { Decoration, EditorView, keymap } from '@codemirror/view'
import type { DecorationSet } from '@codemirror/view'

/** One highlighted thread: character offsets for text, or 1-based lines for candidate code. */
export interface CommentMark {
  id: string
  from: number
  to: number
  /** The thread selected in the Comments panel, drawn stronger. */
  active: boolean
}

/** Replaces an editor's comment highlights; `lines` says whether from/to are line numbers. */
export const setCommentMarks = StateEffect.define<{ marks: CommentMark[]; lines: boolean }>()

const markFor = (m: CommentMark) =>
  Decoration.mark({
    class: m.active ? 'cm-comment cm-comment-active' : 'cm-comment',
    attributes: { 'data-thread': m.id },
  })
const lineFor = (m: CommentMark) =>
  Decoration.line({
    class: m.active ? 'cm-comment-line cm-comment-active' : 'cm-comment-line',
    attributes: { 'data-thread': m.id },
  })

function build(doc: EditorView['state']['doc'], marks: CommentMark[], lines: boolean): DecorationSet {
  const ranges: { from: number; to: number; deco: Decoration }[] = []
  for (const m of marks) {
    if (lines) {
      const last = Math.min(m.to, doc.lines)
      for (let n = Math.max(1, m.from); n <= last; n++) {
        const at = doc.line(n).from
        ranges.push({ from: at, to: at, deco: lineFor(m) })
      }
    } else {
      const from = Math.max(0, Math.min(m.from, doc.length))
      const to = Math.max(0, Math.min(m.to, doc.length))
      if (from < to) ranges.push({ from, to, deco: markFor(m) })
    }
  }
  // RangeSetBuilder needs ranges sorted by start (line decorations first at the same point).
  ranges.sort((a, b) => a.from - b.from || a.deco.startSide - b.deco.startSide)
  const builder = new RangeSetBuilder<Decoration>()
  for (const r of ranges) builder.add(r.from, r.to, r.deco)
  return builder.finish()
}

/**
 * Highlights live in a StateField, so they move with local and remote edits between two
 * recomputations from the anchors (which the Comments store dispatches after changes settle).
 */
const commentField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let next = deco.map(tr.changes)
    for (const e of tr.effects) if (e.is(setCommentMarks)) next = build(tr.state.doc, e.value.marks, e.value.lines)
    return next
  },
  provide: (f) => EditorView.decorations.from(f),
})

/** The ids of the threads highlighted at `pos`. */
export function threadsAt(view: EditorView, pos: number): string[] {
  const ids: string[] = []
  const line = view.state.doc.lineAt(pos)
  view.state.field(commentField, false)?.between(line.from, line.to, (from, to, deco) => {
    const id = deco.spec.attributes?.['data-thread']
    const isLine = from === to && from === line.from
    if (typeof id === 'string' && (isLine || (from <= pos && pos <= to))) ids.push(id)
  })
  return ids
}

/** What an editor with comments does on the comment shortcut and on a click in a highlight. */
export interface CommentMarksOptions {
  /** Ctrl/Cmd+Alt+M: start a comment on the selection. True when it did. */
  onComment: (view: EditorView) => boolean
  /** A click in a highlighted range selects its thread in the Comments panel. */
  onOpenThread: (id: string) => void
}

/** The highlight field, the comment shortcut and click-to-open, for one editor. */
export function commentMarks(options: CommentMarksOptions): Extension {
  return [
    commentField,
    keymap.of([{ key: 'Mod-Alt-m', run: (view) => options.onComment(view) }]),
    EditorView.domEventHandlers({
      click: (event, view) => {
        const pos = view.posAtCoords({ x: event.clientX, y: event.clientY })
        if (pos === null || !view.state.selection.main.empty) return false
        const [id] = threadsAt(view, pos)
        if (id) options.onOpenThread(id)
        return false
      },
    }),
    EditorView.baseTheme({
      '.cm-comment': { backgroundColor: 'rgba(255, 200, 0, 0.28)', borderBottom: '2px solid rgba(224, 160, 0, 0.9)' },
      '.cm-comment-line': { backgroundColor: 'rgba(255, 200, 0, 0.18)' },
      '.cm-comment-active': { backgroundColor: 'rgba(255, 170, 0, 0.5)' },
    }),
  ]
}
