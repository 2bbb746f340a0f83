/** The last workflow action in words: who did what, when, and the lead's message if any. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { LastAction } from '../../../../shared/workflow'

const VERB = {
  start: 'started',
  submit: 'submitted',
  request_changes: 'requested changes',
  finalize: 'finalized',
  reopen: 'reopened',
} as const

/** A short local time for today, else the date. */
function when(iso: string): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return ''
  const today = new Date().toDateString() === at.toDateString()
  return today ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : at.toLocaleDateString()
}

/** One line in the header: the last action, so everyone sees who moved the task and why. */
export const LastActionNote: Component<{ action: LastAction | null }> = (props) => (
  <Show when={props.action}>
    {(a) => (
      <span class="last-action muted small" title={a().message ?? ''}>
        {a().by_name || 'Someone'} {VERB[a().action] ?? a().action} {when(a().at)}
        <Show when={a().message}>: “{a().message}”</Show>
      </span>
    )}
  </Show>
)
