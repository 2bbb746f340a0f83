/** One placed candidate in the ranking: draggable, focusable, moved with Alt+↑/↓, Delete unplaces. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import { createSortable } from '@thisbeyond/solid-dnd'
import type { Candidate } from '../../../../shared/types'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { RankingZone } from './rankingDrop'

declare module 'solid-js' {
  namespace JSX {
    interface Directives {
      sortable: true
    }
  }
}

/** A placed candidate; its sortable id is the candidate id (see rankingDrop.ts). */
export const RankingItem: Component<{
  candidate: Candidate
  position: number
  total: number
  readOnly: boolean
  describedBy: string
}> = (props) => {
  const labels = useCandidateLabels()
  const sortable = createSortable(props.candidate.id, {
    zone: RankingZone.ranking,
    candidate: props.candidate.id,
  })
  return (
    <li
      use:sortable
      class="ranking-item"
      classList={{ 'ranking-dragging': sortable.isActiveDraggable, 'ranking-locked': props.readOnly }}
      tabindex="0"
      data-candidate={labels.key(props.candidate.id)}
      aria-posinset={props.position}
      aria-setsize={props.total}
      aria-describedby={props.describedBy}
    >
      <span class="ranking-pos">
        <span class="sr-only">Position </span>
        {props.position}
      </span>
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
