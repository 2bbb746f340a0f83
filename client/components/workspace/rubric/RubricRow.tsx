/** One candidate's row of the rubric grid: a row header and a score cell per criterion. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { Candidate, RubricCriterion } from '../../../../shared/types'
import { RubricCell } from './RubricCell'
import { useCandidateLabels } from '../../../stores/candidateLabels'

export const RubricRow: Component<{
  uid: string
  candidate: Candidate
  row: number
  rubric: RubricCriterion[]
  score: (col: number) => number | null
  activeCol: number | null
  readOnly: boolean
  onHover: (el: HTMLElement | null) => void
}> = (props) => {
  const labels = useCandidateLabels()
  return (
  <tr>
    <th scope="row">
      <span class="sr-only">Candidate </span>
      {labels.label(props.candidate.id)}
    </th>
    <For each={props.rubric}>
      {(c, col) => (
        <RubricCell
          criterion={c}
          candidateLabel={labels.label(props.candidate.id)}
          score={props.score(col())}
          row={props.row}
          col={col()}
          active={props.activeCol === col()}
          readOnly={props.readOnly}
          tipId={`${props.uid}-tip${col()}`}
          onHover={props.onHover}
        />
      )}
    </For>
  </tr>
  )
}
