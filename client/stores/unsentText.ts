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
export function createUnsentText(
  ws: Workspace,
  readOnly: Accessor<boolean>,
  revision: Accessor<number> = () => 0,
  carried?: CarriedText,
): UnsentText {
  const edited = new Set<UnsentField['field']>()
  const [fields, setFields] = createSignal<UnsentField[]>(carried?.offers ?? [])
  if (carried) offerWhatTheServerLacks(ws, carried, setFields)
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

/**
 * What a workspace reloaded from the server carries over from the doc it replaces: the offers
 * already made, and every text as that doc held it (which may hold what the server refused).
 */
export interface CarriedText {
  offers: UnsentField[]
  local: UnsentField[]
  /** True once the new doc holds the server's state. */
  synced: Accessor<boolean>
}

/** The three texts of `ws` as they are now, for a reload to compare with the server's. */
export function readTexts(ws: Workspace, revision: number): UnsentField[] {
  return FIELDS.map(([field, label]) => ({ field, label, text: ws[field].toString(), revision }))
}

/**
 * Once the new doc has synced, offers each old text the server does not hold, unless that field
 * is on offer already (the text as it was when the workspace turned read-only).
 */
function offerWhatTheServerLacks(ws: Workspace, carried: CarriedText, setFields: (f: (now: UnsentField[]) => UnsentField[]) => void): void {
  createEffect(
    on(carried.synced, (synced, _before, done: boolean | undefined) => {
      if (done || !synced) return done
      const lost = carried.local.filter((f) => f.text !== ws[f.field].toString())
      setFields((now) => [...now, ...lost.filter((f) => !now.some((o) => o.field === f.field))])
      return true
    }),
  )
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
