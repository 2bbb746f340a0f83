/** createPresence: the people in a room, read from its awareness states as one signal. */
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import type { Awareness } from 'y-protocols/awareness'
import { safeColor } from '../../shared/presence'

/** One person shown in a room; several tabs of the same user collapse into one entry. */
export interface Person {
  id: string
  name: string
  role: string
  /** Always a `#rrggbb` palette-shaped colour (remote values are untrusted). */
  color: string
  self: boolean
}

const MAX_NAME_CHARS = 80

/** Reads every awareness state's `user` into a sorted, de-duplicated list; you first. */
export function toPeople(awareness: Awareness): Person[] {
  const byId = new Map<string, Person>()
  const selfId = awareness.getLocalState()?.user?.id
  awareness.getStates().forEach((state) => {
    const user: unknown = state.user
    if (!user || typeof user !== 'object') return
    const u = user as Record<string, unknown>
    const id = typeof u.id === 'string' ? u.id : ''
    if (!id || byId.has(id)) return
    byId.set(id, {
      id,
      name: typeof u.name === 'string' ? u.name.slice(0, MAX_NAME_CHARS) : id,
      role: typeof u.role === 'string' ? u.role : '',
      color: safeColor(u.color),
      self: id === selfId,
    })
  })
  return [...byId.values()].sort(
    (a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name),
  )
}

/** Follows `awareness` until the calling owner is cleaned up. */
export function createPresence(awareness: Awareness): Accessor<Person[]> {
  const [people, setPeople] = createSignal(toPeople(awareness))
  const onChange = () => setPeople(toPeople(awareness))
  awareness.on('change', onChange)
  onCleanup(() => awareness.off('change', onChange))
  return people
}
