/** A rubric column header: the criterion's name and scale, and its description as a tooltip. */
import type { Component, JSX } from 'solid-js'
import type { RubricCriterion } from '../../../../shared/types'

export const RubricHeader: Component<{
  criterion: RubricCriterion
  col: number
  tipId: string
  /** Where the tooltip shows (fixed, so a scrolling panel never clips it); undefined hides it. */
  tipStyle: JSX.CSSProperties | undefined
  onHover: (el: HTMLElement | null) => void
}> = (props) => (
  <th
    scope="col"
    class="rubric-head"
    data-col={props.col}
    aria-label={props.criterion.name}
    aria-describedby={props.tipId}
    onMouseEnter={(e) => props.onHover(e.currentTarget)}
    onMouseLeave={() => props.onHover(null)}
  >
    <span class="rubric-name">{props.criterion.name}</span>
    <span class="rubric-scale">
      {props.criterion.min}–{props.criterion.max}
    </span>
    {/* Always in the DOM so aria-describedby resolves; shown on hover or focus. */}
    <span
      role="tooltip"
      id={props.tipId}
      class="rubric-tip"
      classList={{ 'rubric-tip-shown': !!props.tipStyle }}
      style={props.tipStyle}
    >
      <strong>{props.criterion.name}</strong> ({props.criterion.min}–{props.criterion.max}).{' '}
      {props.criterion.description}
    </span>
  </th>
)
