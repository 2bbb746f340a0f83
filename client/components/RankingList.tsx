/** The list labelled "Ranking": drag and drop (solid-dnd) and keyboard reordering, best first. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import {
  closestCenter,
  DragDropProvider,
  DragDropSensors,
  SortableProvider,
} from '@thisbeyond/solid-dnd'
import type { DragEventHandler } from '@thisbeyond/solid-dnd'
import type { Candidate } from '../../shared/types'
import { RankingItem } from './RankingItem'
import { keepFocusAcrossMoves } from './rankingFocus'

export const RankingList: Component<{
  order: string[]
  candidates: Candidate[]
  readOnly: boolean
  describedBy: string
  /** Moves `id` to `toIndex` of the displayed order (a drop or Alt+↑/↓). */
  onMove: (id: string, toIndex: number) => void
  onRefused: () => void
}> = (props) => {
  let list!: HTMLOListElement
  const byId = (id: string) => props.candidates.find((c) => c.id === id) ?? { id, code: '' }
  const itemOf = (el: unknown) =>
    el instanceof HTMLElement && list.contains(el) ? el.closest<HTMLElement>('[data-candidate]') : null
  const item = (id: string) =>
    list.querySelector<HTMLElement>(`[data-candidate="${CSS.escape(id)}"]`)

  keepFocusAcrossMoves(() => list, () => props.order)

  const onKeyDown = (e: KeyboardEvent) => {
    const id = itemOf(e.target)?.dataset.candidate
    if (!id || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || e.ctrlKey || e.metaKey) return
    e.preventDefault()
    const at = props.order.indexOf(id)
    const to = e.key === 'ArrowUp' ? at - 1 : at + 1
    if (!e.altKey) return item(props.order[to] ?? id)?.focus()
    if (props.readOnly) return props.onRefused()
    if (to >= 0 && to < props.order.length) props.onMove(id, to)
  }
  const onDragEnd: DragEventHandler = ({ draggable, droppable }) => {
    if (!draggable || !droppable || props.readOnly) return
    const to = props.order.indexOf(String(droppable.id))
    if (to >= 0 && draggable.id !== droppable.id) props.onMove(String(draggable.id), to)
  }

  return (
    <DragDropProvider onDragEnd={onDragEnd} collisionDetector={closestCenter}>
      <Show when={!props.readOnly}>
        <DragDropSensors />
      </Show>
      <SortableProvider ids={props.order}>
        <ol ref={list} role="list" aria-label="Ranking" class="ranking" onKeyDown={onKeyDown}>
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
    </DragDropProvider>
  )
}
