/**
 * What the person typed that may not have reached the record: when the workspace turns
 * read-only (a finalize), the local contents of every editor they changed since it was last
 * writable are kept and offered, so text the server refused never silently vanishes.
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
export function createUnsentText(ws: Workspace, readOnly: Accessor<boolean>): UnsentText {
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
        setFields(FIELDS.filter(([f]) => edited.has(f)).map(([field, label]) => ({ field, label, text: ws[field].toString() })))
      }
      if (!now) {
        edited.clear()
        setFields([])
      }
    }),
  )
  return { fields, dismiss: () => setFields([]) }
}
