/** The rubric table (role grid): criteria as columns, candidates as rows, one tab stop. */
import { createSignal, For } from 'solid-js'
import type { Component } from 'solid-js'
import type { Candidate, RubricCriterion } from '../../../../shared/types'
import type { ScoreGrid } from '../../../stores/ratings'
import { RubricHeader } from './RubricHeader'
import { RubricRow } from './RubricRow'
import { RubricPicker } from './RubricPicker'
import { createRubricTips } from './rubricTooltip'
import { useCandidateLabels } from '../../../stores/candidateLabels'

export const RubricGrid: Component<{
  ref: (el: HTMLTableElement) => void
  uid: string
  candidates: Candidate[]
  rubric: RubricCriterion[]
  /** Scores by position: candidate row, criterion column. */
  scores: ScoreGrid
  readOnly: boolean
  onKeyDown: (e: KeyboardEvent) => void
  onSet: (row: number, col: number, score: number | null) => void
  onView: (candidateId: string) => void
}> = (props) => {
  // Roving tabindex: only the active cell is in the tab order; arrows move it.
  const [active, setActive] = createSignal({ row: 0, col: 0 })
  let table!: HTMLTableElement
  const tips = createRubricTips(() => table)
  const labels = useCandidateLabels()
  const labelOf = (id: string | undefined) => (id === undefined ? undefined : labels.label(id))
  const scoreAt = (row: number, col: number) =>
    props.scores[row]?.[col] ?? null
  const onFocusIn = (e: FocusEvent) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[role="gridcell"]')
    if (!cell) return
    setActive({ row: Number(cell.dataset.row), col: Number(cell.dataset.col) })
    tips.setFocused(cell)
    props.onView(props.candidates[active().row].id)
  }
  const onPick = (score: number | null) => {
    props.onSet(active().row, active().col, score)
    table.querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]')?.focus()
  }

  return (
    <>
      <table
        ref={(el) => {
          table = el
          props.ref(el)
        }}
        role="grid"
        class="rubric"
        aria-labelledby={`${props.uid}-title`}
        aria-describedby={`${props.uid}-help`}
        onKeyDown={(e) => props.onKeyDown(e)}
        onFocusIn={onFocusIn}
        onFocusOut={(e) => !table.contains(e.relatedTarget as Node | null) && tips.setFocused(null)}
      >
        <thead>
          <tr>
            <th scope="col" class="rubric-corner">
              <span class="sr-only">Candidate</span>
            </th>
            <For each={props.rubric}>
              {(c, col) => (
                <RubricHeader
                  criterion={c}
                  col={col()}
                  tipId={`${props.uid}-tip${col()}`}
                  tipStyle={tips.styleFor(col())}
                  onHover={tips.setHovered}
                />
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For each={props.candidates}>
            {(cand, row) => (
              <RubricRow
                uid={props.uid}
                candidate={cand}
                row={row()}
                rubric={props.rubric}
                score={(col) => scoreAt(row(), col)}
                activeCol={active().row === row() ? active().col : null}
                readOnly={props.readOnly}
                onHover={tips.setHovered}
              />
            )}
          </For>
        </tbody>
      </table>
      <RubricPicker
        criterion={props.rubric[active().col]}
        candidateLabel={labelOf(props.candidates[active().row]?.id)}
        score={scoreAt(active().row, active().col)}
        readOnly={props.readOnly}
        onSet={onPick}
      />
    </>
  )
}
