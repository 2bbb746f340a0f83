/** The list labelled "Unranked": candidates nobody has placed yet; Enter places one at the end. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import { createDroppable } from '@thisbeyond/solid-dnd'
import type { Candidate } from '../../../../shared/types'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { RankingPoolItem } from './RankingPoolItem'
import { RankingZone, zoneDropId } from './rankingDrop'

/** Lives inside the panel's DragDropProvider; dropping a ranking item here unplaces it. */
export const RankingPool: Component<{
  ids: string[]
  candidates: Candidate[]
  readOnly: boolean
  describedBy: string
  /** Places `id` at the end of the ranking; `index` is where it was in the pool. */
  onPlace: (id: string, index: number) => void
  onRefused: () => void
}> = (props) => {
  let list!: HTMLUListElement
  const labels = useCandidateLabels()
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- read by the use:droppable directive
  const droppable = createDroppable(zoneDropId(RankingZone.unranked), { zone: RankingZone.unranked })
  const byId = (id: string) => props.candidates.find((c) => c.id === id) ?? { id, code: '' }
  const idOf = (el: unknown) => {
    const key = el instanceof HTMLElement && list.contains(el) ? el.closest<HTMLElement>('[data-candidate]')?.dataset.candidate : undefined
    return key === undefined ? undefined : labels.idOf(key)
  }

  const onKeyDown = (e: KeyboardEvent) => {
    const id = idOf(e.target)
    if (!id || e.ctrlKey || e.metaKey || e.altKey) return
    const at = props.ids.indexOf(id)
    if (e.key === 'Enter') {
      e.preventDefault()
      return props.readOnly ? props.onRefused() : props.onPlace(id, at)
    }
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return
    e.preventDefault()
    const next = props.ids[e.key === 'ArrowUp' ? at - 1 : at + 1]
    if (next) list.querySelector<HTMLElement>(`[data-candidate="${CSS.escape(labels.key(next))}"]`)?.focus()
  }

  return (
    <ul
      ref={list}
      use:droppable
      role="list"
      aria-label="Unranked"
      class="ranking ranking-pool"
      classList={{ 'ranking-empty': props.ids.length === 0 }}
      data-zone={RankingZone.unranked}
      onKeyDown={onKeyDown}
    >
      <For each={props.ids}>
        {(id) => (
          <RankingPoolItem candidate={byId(id)} readOnly={props.readOnly} describedBy={props.describedBy} />
        )}
      </For>
    </ul>
  )
}
