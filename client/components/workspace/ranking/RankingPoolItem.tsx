/** One unranked candidate in the pool: focusable, placed with Enter or by dragging it up. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import { createDraggable } from '@thisbeyond/solid-dnd'
import type { Candidate } from '../../../../shared/types'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { poolDragId, RankingZone } from './rankingDrop'

declare module 'solid-js' {
  namespace JSX {
    interface Directives {
      draggable: true
    }
  }
}

/** An unplaced candidate; its drag id is `pool:<id>`, so it never clashes with a ranking item. */
export const RankingPoolItem: Component<{
  candidate: Candidate
  readOnly: boolean
  describedBy: string
}> = (props) => {
  const labels = useCandidateLabels()
  const draggable = createDraggable(poolDragId(props.candidate.id), {
    zone: RankingZone.unranked,
    candidate: props.candidate.id,
  })
  return (
    <li
      use:draggable
      class="ranking-item ranking-unranked"
      classList={{ 'ranking-dragging': draggable.isActiveDraggable, 'ranking-locked': props.readOnly }}
      tabindex="0"
      data-candidate={labels.key(props.candidate.id)}
      aria-describedby={props.describedBy}
    >
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
