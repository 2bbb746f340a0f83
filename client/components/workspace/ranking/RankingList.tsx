/** The list labelled "Ranking": the placed candidates best first, reordered by drag or keyboard. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import { createDroppable, SortableProvider } from '@thisbeyond/solid-dnd'
import type { Candidate } from '../../../../shared/types'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { RankingItem } from './RankingItem'
import { keepFocusAcrossMoves } from './rankingFocus'
import { RankingZone, zoneDropId } from './rankingDrop'

declare module 'solid-js' {
  namespace JSX {
    interface Directives {
      droppable: true
    }
  }
}

/** Lives inside the panel's DragDropProvider; the whole list is also a drop zone when empty. */
export const RankingList: Component<{
  order: string[]
  candidates: Candidate[]
  readOnly: boolean
  describedBy: string
  /** Moves `id` to `toIndex` of the placed order (Alt+↑/↓). */
  onMove: (id: string, toIndex: number) => void
  /** Takes `id` out of the ranking (Delete or Backspace); `index` is where it was. */
  onUnplace: (id: string, index: number) => void
  onRefused: () => void
}> = (props) => {
  let list!: HTMLOListElement
  const labels = useCandidateLabels()
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- read by the use:droppable directive
  const droppable = createDroppable(zoneDropId(RankingZone.ranking), { zone: RankingZone.ranking })
  const byId = (id: string) => props.candidates.find((c) => c.id === id) ?? { id, code: '' }
  const itemOf = (el: unknown) =>
    el instanceof HTMLElement && list.contains(el) ? el.closest<HTMLElement>('[data-candidate]') : null
  const item = (id: string) =>
    list.querySelector<HTMLElement>(`[data-candidate="${CSS.escape(labels.key(id))}"]`)

  keepFocusAcrossMoves(() => list, () => props.order)

  const onKeyDown = (e: KeyboardEvent) => {
    const key = itemOf(e.target)?.dataset.candidate
    const id = key === undefined ? undefined : labels.idOf(key)
    if (!id || e.ctrlKey || e.metaKey) return
    const at = props.order.indexOf(id)
    if ((e.key === 'Delete' || e.key === 'Backspace') && !e.altKey) {
      e.preventDefault()
      return props.readOnly ? props.onRefused() : props.onUnplace(id, at)
    }
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return
    e.preventDefault()
    const to = e.key === 'ArrowUp' ? at - 1 : at + 1
    if (!e.altKey) return item(props.order[to] ?? id)?.focus()
    if (props.readOnly) return props.onRefused()
    if (to >= 0 && to < props.order.length) props.onMove(id, to)
  }

  return (
    <SortableProvider ids={props.order}>
      <ol
        ref={list}
        use:droppable
        role="list"
        aria-label="Ranking"
        class="ranking ranking-placed"
        classList={{ 'ranking-empty': props.order.length === 0 }}
        data-zone={RankingZone.ranking}
        onKeyDown={onKeyDown}
      >
        <For each={props.order}>
          {(id, index) => (
            <RankingItem
              candidate={byId(id)}
              position={index() + 1}
              total={props.order.length}
              readOnly={props.readOnly}
              describedBy={props.describedBy}
            />
          )}
        </For>
      </ol>
    </SortableProvider>
  )
}
