/**
 * What the person typed that may not have reached the record: when the workspace turns
 * read-only (a finalize), the local contents of every editor they changed since it was last
 * writable are kept and offered, so text the server refused never silently vanishes. The offer
 * outlives a reopen (only Dismiss ends it), so it can then be posted as a comment.
 */
import { createEffect, createSignal, on, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import type * as Y from 'yjs'
import type { Workspace } from '../../shared/schema'

/** One editor's text as it was on this screen when the task turned read-only. */
export interface UnsentField {
  field: 'explanation' | 'solution' | 'tests'
  label: string
  text: string
  /** The revision that was being edited when the text was kept. */
  revision: number
}

const FIELDS = [
  ['explanation', 'Explanation'],
  ['solution', 'Reference solution'],
  ['tests', 'Tests'],
] as const

/** What to offer, and a way to stop offering it. */
export interface UnsentText {
  fields: Accessor<UnsentField[]>
  dismiss(): void
}

/** Watches the three texts for this person's own edits (local transactions) and `readOnly`'s rise. */
export function createUnsentText(ws: Workspace, readOnly: Accessor<boolean>, revision: Accessor<number> = () => 0): UnsentText {
  const edited = new Set<UnsentField['field']>()
  const [fields, setFields] = createSignal<UnsentField[]>([])
  for (const [field] of FIELDS) {
    const text: Y.Text = ws[field]
    // Remote updates and the offline cache arrive through applyUpdate: not local.
    const onChange = (event: Y.YTextEvent) => {
      if (event.transaction.local && !readOnly()) edited.add(field)
    }
    text.observe(onChange)
    onCleanup(() => text.unobserve(onChange))
  }
  createEffect(
    on(readOnly, (now, before) => {
      if (now && before === false && edited.size > 0) {
        setFields(FIELDS.filter(([f]) => edited.has(f)).map(([field, label]) => ({ field, label, text: ws[field].toString(), revision: revision() })))
      }
      // Writable again (a reopen): start tracking anew, but keep what is on offer until dismissed.
      if (!now) edited.clear()
    }),
  )
  return { fields, dismiss: () => setFields([]) }
}

/** A run of `~` longer than any in `text`, so the fence cannot be closed from inside it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/~+/g) ?? []).map((run) => run.length))
  return '~'.repeat(Math.max(3, longest + 1))
}

/**
 * The body of the comment that carries unsent text: says where it came from and quotes it in a
 * fenced block, so code keeps its indentation and markdown in it is shown, not rendered.
 */
export function unsentCommentBody(field: UnsentField): string {
  const fence = fenceFor(field.text)
  return `Text I had in ${field.label} when revision ${field.revision} was finalized (not in its record):\n\n${fence}\n${field.text}\n${fence}`
}
