/** Who is in a task's workspace now and what each of them looks at, for the lead's dashboard. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { PresentUser, PresentView } from '../../../shared/types'
import { safeColor } from '../../../shared/presence'

const AREA_LABEL: Record<string, string> = {
  prompt: 'Prompt',
  explanation: 'Explanation',
  solution: 'Reference solution',
  tests: 'Tests',
  candidate: 'Candidate',
  compare: 'Compare',
  ranking: 'Ranking',
  rubric: 'Rubric',
}

/** A short label of a published view ("Candidate b", "Tests"); plain text, never HTML. */
export function viewLabel(view: PresentView | undefined): string {
  if (!view) return ''
  const area = AREA_LABEL[view.area] ?? view.area
  const candidate = view.candidateLabel ?? view.candidateId
  return candidate ? `${area}, ${candidate}` : area
}

export const LeadPresent: Component<{ people: PresentUser[] }> = (props) => (
  <Show when={props.people.length > 0} fallback={<span class="muted small">Nobody</span>}>
    <ul class="queue-present" aria-label="Here now">
      <For each={props.people}>
        {(person) => (
          <li>
            <span class="swatch" style={{ background: safeColor(person.color) }} aria-hidden="true" />
            {person.name}
            <Show when={person.view}>
              <span class="muted small"> · {viewLabel(person.view)}</span>
            </Show>
          </li>
        )}
      </For>
    </ul>
  </Show>
)
