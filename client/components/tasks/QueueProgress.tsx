/** How far a task's work has come, as short chips: ranked, scores, explanation, tests, solution. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { Progress } from '../../../shared/progress'

/** The chips for one progress record, each with whether that part is done. */
export function progressChips(p: Progress): { label: string; done: boolean }[] {
  const words = p.explanationWords
  return [
    { label: p.ranked ? 'Ranked' : 'Not ranked', done: p.ranked },
    { label: `Scores ${p.scores}/${p.scoresNeeded}`, done: p.scoresNeeded > 0 && p.scores >= p.scoresNeeded },
    { label: `Explanation ${words} word${words === 1 ? '' : 's'}`, done: words > 0 },
    { label: `${p.testCases} test case${p.testCases === 1 ? '' : 's'}`, done: p.testCases > 0 },
    { label: p.solution ? 'Solution' : 'No solution', done: p.solution },
  ]
}

export const QueueProgress: Component<{ progress: Progress | null }> = (props) => (
  <Show when={props.progress} fallback={<span class="muted small">Not started</span>}>
    {(p) => (
      <ul class="queue-progress" aria-label="Progress">
        <For each={progressChips(p())}>
          {(chip) => <li classList={{ 'queue-done': chip.done }}>{chip.label}</li>}
        </For>
      </ul>
    )}
  </Show>
)
