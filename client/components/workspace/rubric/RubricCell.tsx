/** One rubric score: a focusable grid cell showing the value and how far up the scale it is. */
import type { Component } from 'solid-js'
import type { RubricCriterion } from '../../../../shared/types'

export const RubricCell: Component<{
  criterion: RubricCriterion
  /** The candidate as the page names it (a letter in blind batches). */
  candidateLabel: string
  score: number | null
  row: number
  col: number
  active: boolean
  readOnly: boolean
  tipId: string
  onHover: (el: HTMLElement | null) => void
}> = (props) => {
  const valueId = () => `${props.tipId}-v${props.row}`
  const fill = () => {
    const { min, max } = props.criterion
    return props.score === null ? 0 : ((props.score - min + 1) / (max - min + 1)) * 100
  }
  return (
    <td
      role="gridcell"
      class="rubric-cell"
      classList={{ 'rubric-empty': props.score === null }}
      tabindex={props.active ? 0 : -1}
      data-row={props.row}
      data-col={props.col}
      aria-label={`${props.criterion.name} for candidate ${props.candidateLabel}`}
      aria-describedby={`${valueId()} ${props.tipId}`}
      aria-readonly={props.readOnly}
      onMouseEnter={(e) => props.onHover(e.currentTarget)}
      onMouseLeave={() => props.onHover(null)}
    >
      <span class="rubric-value" id={valueId()}>
        {props.score ?? '–'}
        <span class="sr-only">
          {props.score === null
            ? ` not scored, ${props.criterion.min} to ${props.criterion.max}`
            : ` of ${props.criterion.max}`}
        </span>
      </span>
      <span class="rubric-bar" aria-hidden="true">
        <span class="rubric-fill" style={{ width: `${fill()}%` }} />
      </span>
    </td>
  )
}
