/** The rubric editor of the batches page: rows of criteria (name, description, min, max), added, removed, reordered. */
import { Index, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RubricCriterion } from '../../../shared/types'

/** A criterion id from its name: lower-case letters, digits and dashes, unique in the rubric. */
export function criterionId(name: string, taken: readonly string[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48) || 'criterion'
  let id = base
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`
  return id
}

export const RubricEditor: Component<{ rubric: RubricCriterion[]; onChange: (rubric: RubricCriterion[]) => void }> = (props) => {
  const update = (i: number, patch: Partial<RubricCriterion>) =>
    props.onChange(props.rubric.map((c, j) => (j === i ? { ...c, ...patch } : c)))
  const move = (i: number, by: number) => {
    const next = [...props.rubric]
    const [c] = next.splice(i, 1)
    next.splice(i + by, 0, c)
    props.onChange(next)
  }
  const add = () => {
    const name = `Criterion ${props.rubric.length + 1}`
    props.onChange([...props.rubric, { id: criterionId(name, props.rubric.map((c) => c.id)), name, description: '', min: 1, max: 5 }])
  }
  const num = (v: string) => (v === '' ? Number.NaN : Number(v))
  return (
    <fieldset class="rubric-editor">
      <legend>Rubric</legend>
      <Show when={props.rubric.length} fallback={<p class="muted small">No criteria: annotators rank and explain only.</p>}>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            <Index each={props.rubric}>
              {(c, i) => (
                <tr>
                  <td><input aria-label={`Name of criterion ${i + 1}`} value={c().name} onInput={(e) => update(i, { name: e.currentTarget.value })} /></td>
                  <td><input aria-label={`Description of criterion ${i + 1}`} value={c().description} onInput={(e) => update(i, { description: e.currentTarget.value })} /></td>
                  <td><input type="number" step="1" aria-label={`Lowest score of criterion ${i + 1}`} value={c().min} onInput={(e) => update(i, { min: num(e.currentTarget.value) })} /></td>
                  <td><input type="number" step="1" aria-label={`Highest score of criterion ${i + 1}`} value={c().max} onInput={(e) => update(i, { max: num(e.currentTarget.value) })} /></td>
                  <td>
                    <button type="button" class="icon" aria-label={`Move criterion ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
                    <button type="button" class="icon" aria-label={`Move criterion ${i + 1} down`} disabled={i === props.rubric.length - 1} onClick={() => move(i, 1)}>↓</button>
                    <button type="button" class="icon" aria-label={`Remove criterion ${i + 1}`} onClick={() => props.onChange(props.rubric.filter((_, j) => j !== i))}>✕</button>
                  </td>
                </tr>
              )}
            </Index>
          </tbody>
        </table>
      </Show>
      <button type="button" onClick={add}>Add criterion</button>
    </fieldset>
  )
}
