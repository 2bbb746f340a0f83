/** createMapEntry: one key of a Y.Map as a Solid signal (the entry may arrive after the sync). */
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import type * as Y from 'yjs'

/**
 * Follows `map.get(key)` until the calling owner is cleaned up. Before the first sync the map is
 * empty, so shared entries created at import (a candidate's notes) appear later: never create
 * them here, or two clients would each create their own and one side's content would be lost.
 */
export function createMapEntry<T>(map: Y.Map<T>, key: string): Accessor<T | undefined> {
  const [entry, setEntry] = createSignal<T | undefined>(map.get(key), { equals: false })
  const onChange = (event: Y.YMapEvent<T>) => {
    if (event.keysChanged.has(key)) setEntry(() => map.get(key))
  }
  map.observe(onChange)
  onCleanup(() => map.unobserve(onChange))
  return entry
}
