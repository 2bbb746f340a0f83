/** safeAwareness: the awareness y-codemirror.next draws remote cursors from, with safe colours. */
import type { Awareness } from 'y-protocols/awareness'
import { lightColor, safeColor } from '../../shared/presence'

const MAX_NAME_CHARS = 80

/**
 * The subset of Awareness that y-codemirror.next 0.3.x calls (`doc`, `getLocalState`,
 * `setLocalStateField`, `getStates`, `on`, `off`). Re-check it when upgrading that package.
 */
export interface AwarenessView {
  readonly doc: Awareness['doc']
  getLocalState: Awareness['getLocalState']
  setLocalStateField: Awareness['setLocalStateField']
  getStates: () => Map<number, Record<string, unknown>>
  on: Awareness['on']
  off: Awareness['off']
}

/**
 * Wraps `awareness` so remote cursors never carry a hostile colour or name: y-codemirror.next
 * writes `user.color` and `user.colorLight` into a `style` attribute (STYLE.md, "CSS can be
 * injected through remote cursors"), so every colour that is not `#rrggbb` becomes grey and
 * `colorLight` is always derived from the sanitized colour.
 */
export function safeAwareness(awareness: Awareness): AwarenessView {
  return {
    get doc() {
      return awareness.doc
    },
    getLocalState: () => awareness.getLocalState(),
    setLocalStateField: (field, value) => awareness.setLocalStateField(field, value),
    getStates: () => sanitizeStates(awareness.getStates()),
    on: (name, f) => awareness.on(name, f),
    off: (name, f) => awareness.off(name, f),
  }
}

type States = Map<number, Record<string, unknown>>

function sanitizeStates(states: States): States {
  const out: States = new Map()
  states.forEach((state, id) => out.set(id, { ...state, user: sanitizeUser(state.user) }))
  return out
}

function sanitizeUser(user: unknown): { name: string; color: string; colorLight: string } {
  const u = (user && typeof user === 'object' ? user : {}) as Record<string, unknown>
  const color = safeColor(u.color)
  const name =
    typeof u.name === 'string' && u.name ? u.name.slice(0, MAX_NAME_CHARS) : 'Anonymous'
  return { name, color, colorLight: lightColor(color) }
}
