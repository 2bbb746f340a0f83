/**
 * What the person typed that did not reach the record: when the workspace turns read-only (a
 * finalize, a submit, access taken away), the server's copy is read and each editor they changed
 * since it was last writable is offered only if the server lacks what this page holds, so text
 * the server refused (or never acknowledged) never silently vanishes, and text it stored is never
 * called unsent. The offer outlives a reopen (only Dismiss ends it), so it can then be posted as
 * a comment.
 */
import { createEffect, createSignal, on, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import type * as Y from 'yjs'
import { getWorkspace } from '../../shared/schema'
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

/**
 * Reads what the server stores of the room now (null when it cannot be read); the caller destroys
 * the doc. The check holds the offer back until it answers.
 */
export type ReadServer = () => Promise<Y.Doc | null>

/** True when `server` holds every change `local` holds (its state vector covers local's). */
export type HoldsAll = (server: Y.Doc, local: Y.Doc) => boolean

/** How to learn what the server stores: without it, every edited field is offered. */
export interface ServerCheck {
  read: ReadServer
  holdsAll: HoldsAll
}

/**
 * Watches the three texts for this person's own edits (local transactions) and `readOnly`'s rise.
 * On the rise, the fields they edited are offered unless the server holds all this page's changes;
 * if it does not, those whose text differs from the server's. When the server cannot be read,
 * every edited field is offered (nothing proves it stored them).
 */
export function createUnsentText(
  ws: Workspace,
  readOnly: Accessor<boolean>,
  revision: Accessor<number> = () => 0,
  carried?: CarriedText,
  server?: ServerCheck,
): UnsentText {
  let disposed = false
  onCleanup(() => void (disposed = true))
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
        const kept = FIELDS.filter(([f]) => edited.has(f)).map(([field, label]) => ({ field, label, text: ws[field].toString(), revision: revision() }))
        if (!server) setFields(kept)
        else void offerUnstored(ws, kept, server).then((lost) => !disposed && lost.length > 0 && setFields(lost))
      }
      // Writable again (a reopen): start tracking anew, but keep what is on offer until dismissed.
      if (!now) edited.clear()
    }),
  )
  return { fields, dismiss: () => setFields([]) }
}

/** The fields of `kept` the server does not hold, as far as it can be read. */
async function offerUnstored(ws: Workspace, kept: UnsentField[], server: ServerCheck): Promise<UnsentField[]> {
  const doc = await server.read().catch(() => null)
  if (!doc) return kept
  try {
    if (server.holdsAll(doc, ws.explanation.doc as Y.Doc)) return []
    const stored = getWorkspace(doc)
    return kept.filter((f) => f.text !== stored[f.field].toString())
  } finally {
    doc.destroy()
  }
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
