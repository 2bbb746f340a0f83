/** Under the grid: the active cell's name and its scale as buttons, for setting scores by mouse. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { RubricCriterion } from '../../../../shared/types'

export const RubricPicker: Component<{
  criterion: RubricCriterion | undefined
  /** The candidate as the page names it (a letter in blind batches). */
  candidateLabel: string | undefined
  score: number | null
  readOnly: boolean
  onSet: (score: number | null) => void
}> = (props) => {
  const steps = () => {
    const c = props.criterion
    const out: number[] = []
    if (c) for (let n = c.min; n <= c.max; n++) out.push(n)
    return out
  }
  // Keyboard users type the score into the focused cell; these buttons never take focus.
  const keepFocus = (e: MouseEvent) => e.preventDefault()
  return (
    <div class="rubric-picker" aria-hidden="true">
      <span class="rubric-picker-label">
        {props.criterion?.name} · candidate {props.candidateLabel}
      </span>
      <span class="rubric-picks">
        <For each={steps()}>
          {(n) => (
            <button type="button" tabindex="-1" disabled={props.readOnly} aria-pressed={props.score === n}
              onMouseDown={keepFocus} onClick={() => props.onSet(n)}>
              {n}
            </button>
          )}
        </For>
        <button type="button" tabindex="-1" class="link" disabled={props.readOnly || props.score === null}
          onMouseDown={keepFocus} onClick={() => props.onSet(null)}>
          Clear
        </button>
      </span>
    </div>
  )
}
