/** The presence store: who is in the room, their role, colour and view, from awareness states. */
import { createStore, reconcile } from 'solid-js/store'
import { onCleanup } from 'solid-js'
import type { Awareness } from 'y-protocols/awareness'
import { safeColor } from '../../shared/presence'
import { VIEW_FIELD, ViewArea } from './view'
import type { View } from './view'

const MAX_NAME_CHARS = 80

/** One person in the room; several tabs of one user are one entry. */
export interface PresenceEntry {
  /** The user id the server stamped into `user`. */
  id: string
  name: string
  role: string
  /** Always `#rrggbb` (remote values are untrusted and end up in a `style`). */
  color: string
  self: boolean
  /** The tab to follow: the one that last published a view (awareness clock as the tiebreak). */
  clientId: number
  /** Every open tab of this user in the room (following any of them follows this person). */
  clientIds: number[]
  view: View | null
}

type State = Record<string, unknown>

function parseView(value: unknown): View | null {
  if (!value || typeof value !== 'object') return null
  const v = value as State
  if (typeof v.area !== 'string' || !Object.hasOwn(ViewArea, v.area)) return null
  const view: View = { area: v.area as ViewArea }
  if (typeof v.candidateId === 'string') view.candidateId = v.candidateId.slice(0, 64)
  if (Array.isArray(v.compare) && v.compare.length === 2) {
    view.compare = [String(v.compare[0]).slice(0, 64), String(v.compare[1]).slice(0, 64)]
  }
  return view
}

/**
 * Reads awareness states into one entry per user, yourself first, then by name. `clocks` (the
 * awareness meta clock per client) picks which of a user's tabs stands for them: a tab with a
 * view beats one without, then the higher clock (the more recently updated state) wins.
 */
export function readPresence(
  states: Map<number, State>,
  selfClientId: number,
  clocks: Map<number, number> = new Map(),
): PresenceEntry[] {
  const selfUser = states.get(selfClientId)?.user as State | undefined
  const selfId = typeof selfUser?.id === 'string' ? selfUser.id : null
  const byId = new Map<string, PresenceEntry & { clock: number }>()
  states.forEach((state, clientId) => {
    const u = state.user as State | undefined
    if (!u || typeof u !== 'object' || typeof u.id !== 'string' || !u.id) return
    const entry = {
      id: u.id,
      name: typeof u.name === 'string' && u.name ? u.name.slice(0, MAX_NAME_CHARS) : u.id,
      role: typeof u.role === 'string' ? u.role.slice(0, 32) : '',
      color: safeColor(u.color),
      self: u.id === selfId,
      clientId,
      clientIds: [clientId],
      view: parseView(state[VIEW_FIELD]),
      clock: clocks.get(clientId) ?? 0,
    }
    const prev = byId.get(u.id)
    if (prev) entry.clientIds = [...prev.clientIds, clientId].sort((a, b) => a - b)
    if (!prev || better(entry, prev, selfClientId)) byId.set(u.id, entry)
    else prev.clientIds = entry.clientIds
  })
  return [...byId.values()]
    .map(({ clock: _clock, ...entry }) => entry)
    .sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name))
}

type Ranked = { clientId: number; view: View | null; clock: number }
function better(a: Ranked, b: Ranked, selfClientId: number): boolean {
  // Yourself: this tab's own state is the one that matters.
  if (a.clientId === selfClientId || b.clientId === selfClientId) return a.clientId === selfClientId
  if (!!a.view !== !!b.view) return !!a.view
  return a.clock > b.clock
}

/** Words for a view, as the presence list shows it: "Explanation", "candidate b", "comparing a↔c". */
export function describeView(view: View | null, label: (candidateId: string) => string = (id) => id): string {
  if (!view) return 'just arrived'
  switch (view.area) {
    case 'prompt':
      return 'Prompt'
    case 'explanation':
      return 'Explanation'
    case 'solution':
      return 'Reference solution'
    case 'tests':
      return 'Tests'
    case 'ranking':
      return 'Ranking'
    case 'rubric':
      return view.candidateId ? `Rubric, candidate ${label(view.candidateId)}` : 'Rubric'
    case 'candidate':
      return view.candidateId ? `candidate ${label(view.candidateId)}` : 'Candidates'
    case 'compare':
      return view.compare ? `comparing ${label(view.compare[0])}↔${label(view.compare[1])}` : 'Compare'
  }
}

/** Calls `onChange` with the people now and after every awareness change; returns the unsubscribe. */
export function watchPresence(awareness: Awareness, onChange: (people: PresenceEntry[]) => void): () => void {
  const read = () => {
    const clocks = new Map<number, number>()
    awareness.meta.forEach((meta, clientId) => clocks.set(clientId, meta.clock))
    onChange(readPresence(awareness.getStates() as Map<number, State>, awareness.clientID, clocks))
  }
  awareness.on('change', read)
  read()
  return () => awareness.off('change', read)
}

/** Mirrors awareness into a Solid store (keyed by user id) for the lifetime of the owner. */
export function createPresenceStore(awareness: Awareness): { readonly people: PresenceEntry[] } {
  const [state, setState] = createStore<{ people: PresenceEntry[] }>({ people: [] })
  const stop = watchPresence(awareness, (people) => setState('people', reconcile(people, { key: 'id' })))
  onCleanup(stop)
  return state
}
