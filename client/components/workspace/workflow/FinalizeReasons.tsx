/** Why submit or finalize was refused: one item per reason, each a link to the thing it names. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { FinalizeReason } from '../../../../shared/workflow'
import { useView } from '../../../stores/view'
import type { View } from '../../../stores/view'

/** The workspace area a reason's `target` names (`rubric:<candidate>:<criterion>` → that rubric row). */
function viewOf(target: string): View | null {
  const [kind, candidateId] = target.split(':')
  if (kind === 'ranking' || kind === 'explanation' || kind === 'solution' || kind === 'tests') return { area: kind }
  if (kind === 'rubric') return { area: 'rubric', candidateId }
  return null
}

/** The refusal reasons as a list of links; rendered next to the Submit or Finalize button. */
export const FinalizeReasons: Component<{ reasons: FinalizeReason[]; id: string; action?: 'submit' | 'finalize' }> = (props) => {
  const action = () => props.action ?? 'finalize'
  const view = useView()
  return (
    <div class="finalize-reasons" id={props.id} role="alert">
      <p>Not ready to {action()}:</p>
      <ul aria-label={`Reasons ${action()} is refused`}>
        <For each={props.reasons}>
          {(r) => (
            <li data-code={r.code}>
              <Show
                when={viewOf(r.target)}
                fallback={<a href={`#${r.target.replace(':', '-')}`}>{r.message}</a>}
              >
                {(v) => (
                  <button type="button" class="link" onClick={() => view.reveal(v())}>
                    {r.message}
                  </button>
                )}
              </Show>
              <Show when={r.overridable}>
                <span class="muted small"> (the lead may override this with a note)</span>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </div>
  )
}
