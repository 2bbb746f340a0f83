/**
 * One of the ranking panel's two lists: "Ranking" (the placed candidates best first, an ordered
 * sortable list) or "Unranked" (the pool). ↑/↓ move focus in either; the zone's own keys come in
 * as `onItemKey` (rankingKeys.ts).
 */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { createDroppable, SortableProvider } from '@thisbeyond/solid-dnd'
import type { Candidate } from '../../../../shared/types'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { RankingItem } from './RankingItem'
import { keepFocusAcrossMoves } from './rankingFocus'
import type { ItemKeys } from './rankingKeys'
import { RankingZone, zoneDropId } from './rankingDrop'

/** Lives inside the panel's DragDropProvider; the whole list is also a drop zone (when empty too). */
export const RankingList: Component<{
  zone: RankingZone
  ids: string[]
  candidates: Candidate[]
  readOnly: boolean
  describedBy: string
  onItemKey: ItemKeys
}> = (props) => {
  let list!: HTMLElement
  const labels = useCandidateLabels()
  const placed = props.zone === RankingZone.ranking
  const droppable = createDroppable(zoneDropId(props.zone), { zone: props.zone })
  const byId = (id: string) => props.candidates.find((c) => c.id === id) ?? { id, code: '' }
  const idOf = (el: unknown) => {
    const key = el instanceof HTMLElement && list.contains(el) ? el.closest<HTMLElement>('[data-candidate]')?.dataset.candidate : undefined
    return key === undefined ? undefined : labels.idOf(key)
  }

  // Someone else's drag (or our own Alt+↑/↓) reorders the placed list under the focused item.
  if (placed) keepFocusAcrossMoves(() => list, () => props.ids)

  const onKeyDown = (e: KeyboardEvent) => {
    const id = idOf(e.target)
    if (!id || e.ctrlKey || e.metaKey) return
    const at = props.ids.indexOf(id)
    if (props.onItemKey(e, id, at)) return e.preventDefault()
    if (e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return
    e.preventDefault()
    const next = props.ids[e.key === 'ArrowUp' ? at - 1 : at + 1]
    if (next !== undefined) list.querySelector<HTMLElement>(`[data-candidate="${CSS.escape(labels.key(next))}"]`)?.focus()
  }

  const items = () => (
    <Dynamic
      component={placed ? 'ol' : 'ul'}
      ref={(el: HTMLElement) => {
        list = el
        droppable(el)
      }}
      role="list"
      aria-label={placed ? 'Ranking' : 'Unranked'}
      class={placed ? 'ranking ranking-placed' : 'ranking ranking-pool'}
      classList={{ 'ranking-empty': props.ids.length === 0 }}
      data-zone={props.zone}
      onKeyDown={onKeyDown}
    >
      <For each={props.ids}>
        {(id, index) => (
          <RankingItem
            candidate={byId(id)}
            place={placed ? { position: index() + 1, total: props.ids.length } : undefined}
            readOnly={props.readOnly}
            describedBy={props.describedBy}
          />
        )}
      </For>
    </Dynamic>
  )
  // Only placed items are sortables; the pool's draggables need no sorting context.
  return placed ? <SortableProvider ids={props.ids}>{items()}</SortableProvider> : items()
}
