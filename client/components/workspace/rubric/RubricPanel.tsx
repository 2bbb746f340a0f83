/** The rubric panel: a score per candidate and criterion, shared live, set from the keyboard. */
import { createSignal, createUniqueId, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type * as Y from 'yjs'
import type { Candidate, RubricCriterion } from '../../../../shared/types'
import { createRatingsStore } from '../../../stores/ratings'
import { useView } from '../../../stores/view'
import { createRubricKeys } from './rubricKeys'
import { RubricGrid } from './RubricGrid'
import '../../../styles/review.css'

export const RubricPanel: Component<{
  ratings: Y.Map<Y.Map<number>>
  candidates: Candidate[]
  rubric: RubricCriterion[]
  readOnly: boolean
}> = (props) => {
  const store = createRatingsStore(props.ratings, props.candidates.map((c) => c.id), props.rubric)
  const view = useView()
  const uid = createUniqueId()
  const [said, setSaid] = createSignal('')
  let table!: HTMLTableElement
  const keys = createRubricKeys({
    table: () => table,
    size: () => ({ rows: props.candidates.length, cols: props.rubric.length }),
    readOnly: () => props.readOnly,
    criterion: (col) => props.rubric[col],
    set: (row, col, score) => store.set(props.candidates[row].id, props.rubric[col], score),
    say: setSaid,
  })
  onCleanup(
    view.registerArea('rubric', (v) => {
      const row = Math.max(0, props.candidates.findIndex((c) => c.id === v.candidateId))
      table.scrollIntoView({ block: 'nearest' })
      const col = Number(table.querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]')?.dataset.col ?? 0)
      keys.focusCell(row, col)
    }),
  )

  return (
    <section class="rubric-panel" aria-labelledby={`${uid}-title`}>
      <h2 id={`${uid}-title`}>Rubric</h2>
      <p class="muted small" id={`${uid}-help`}>
        <Show when={!props.readOnly} fallback="Scores are read-only for you.">
          Focus a score and type its number; Backspace clears; arrows move.
        </Show>
      </p>
      <RubricGrid
        ref={(el) => (table = el)}
        uid={uid}
        candidates={props.candidates}
        rubric={props.rubric}
        scores={store.grid.rows}
        readOnly={props.readOnly}
        onKeyDown={keys.onKeyDown}
        onSet={(row, col, score) => store.set(props.candidates[row].id, props.rubric[col], score)}
        onView={(candidateId) => view.setCurrent({ area: 'rubric', candidateId })}
      />
      <p class="sr-only" role="status" aria-live="polite">
        {said()}
      </p>
    </section>
  )
}
