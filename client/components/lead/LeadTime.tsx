/** Time on task per person for one row of the lead's dashboard, most time first. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { ActiveTime } from '../../../shared/types'
import { formatDuration } from '../../format'

/**
 * The people who worked on the task and their active time (docs/workflow.md, "Time on task"), measured by the
 * server; names come from the user list, ids when it is unavailable. Plain text only.
 */
export const LeadTime: Component<{ rows: ActiveTime[]; names: Map<string, string> }> = (props) => (
  <Show when={props.rows.length > 0} fallback={<span class="muted small">None yet</span>}>
    <ul class="lead-time" aria-label="Time on task">
      <For each={props.rows}>
        {(r) => (
          <li>
            {props.names.get(r.user) ?? r.user}: <span class="lead-time-value">{formatDuration(r.active_ms)}</span>
          </li>
        )}
      </For>
    </ul>
  </Show>
)
