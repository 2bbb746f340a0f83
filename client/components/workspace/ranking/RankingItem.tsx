/** One candidate in either ranking list: focusable, draggable, labelled with its model when known. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import { createDraggable, createSortable } from '@thisbeyond/solid-dnd'
import type { Candidate } from '../../../../shared/types'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { poolDragId, RankingZone } from './rankingDrop'

declare module 'solid-js' {
  namespace JSX {
    interface Directives {
      dnd: true
    }
  }
}

/** Where a placed candidate stands: 1-based position of `total`. */
export interface RankPlace {
  position: number
  total: number
}

/**
 * A placed candidate (`place` given) is a sortable whose id is the candidate id; an unplaced one is
 * a draggable with id `pool:<id>`, so the two never clash (see rankingDrop.ts).
 */
export const RankingItem: Component<{
  candidate: Candidate
  place?: RankPlace
  readOnly: boolean
  describedBy: string
}> = (props) => {
  const labels = useCandidateLabels()
  const placed = props.place !== undefined
  const dnd = placed
    ? createSortable(props.candidate.id, { zone: RankingZone.ranking, candidate: props.candidate.id })
    : createDraggable(poolDragId(props.candidate.id), { zone: RankingZone.unranked, candidate: props.candidate.id })
  return (
    <li
      use:dnd
      class="ranking-item"
      classList={{
        'ranking-unranked': !placed,
        'ranking-dragging': dnd.isActiveDraggable,
        'ranking-locked': props.readOnly,
      }}
      tabindex="0"
      data-candidate={labels.key(props.candidate.id)}
      aria-posinset={props.place?.position}
      aria-setsize={props.place?.total}
      aria-describedby={props.describedBy}
    >
      <Show when={props.place}>
        {(place) => (
          <span class="ranking-pos">
            <span class="sr-only">Position </span>
            {place().position}
          </span>
        )}
      </Show>
      <span class="ranking-name">Candidate {labels.label(props.candidate.id)}</span>
      <Show when={labels.model(props.candidate)}>
        {(model) => <span class="muted small ranking-model">{model()}</span>}
      </Show>
      <Show when={!props.readOnly}>
        <span class="ranking-grip" aria-hidden="true">⠿</span>
      </Show>
    </li>
  )
}
