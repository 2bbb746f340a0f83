/** The browser test hook: live docs by room name, so tests read Y.Text instead of editor DOM. */
import type * as Y from 'yjs'

/** What `window.__codejury` holds; browser tests read it through `page.evaluate`. */
export interface TestHook {
  docs: Map<string, Y.Doc>
}

declare global {
  interface Window {
    __codejury?: TestHook
  }
}

/** Makes `doc` visible as `window.__codejury.docs.get(room)` while its room is open. */
export function registerDoc(room: string, doc: Y.Doc): void {
  const hook = (window.__codejury ??= { docs: new Map() })
  hook.docs.set(room, doc)
}

/** Removes `doc`, unless a newer doc for the same room replaced it meanwhile. */
export function unregisterDoc(room: string, doc: Y.Doc): void {
  const docs = window.__codejury?.docs
  if (docs?.get(room) === doc) docs.delete(room)
}
