/** The lead's storage alert: rooms whose stores fail and damaged files kept aside, live. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { HealthProblem } from '../../api'
import { formatTime } from '../../format'
import { createHealth } from '../../stores/health'

/** One problem in words: what happened, where, and what it means for the people in the room. */
const Problem: Component<{ problem: HealthProblem }> = (props) => {
  const p = () => props.problem
  const room = () => p().room ?? 'a room'
  return (
    <li>
      <Show
        when={p().problem === 'store-failing'}
        fallback={
          <>
            <strong>Damaged file</strong> {p().file ?? ''} ({p().problem}) in {room()}
            <Show when={p().lostBytes !== undefined}>: {p().lostBytes} bytes could not be used</Show>.{' '}
            <Show when={p().keptAs}>The original is kept as {p().keptAs}. </Show>
            <Show when={p().recoveredFrom?.length}>Recovered from {p().recoveredFrom!.join(', ')}. </Show>
            Clients that still hold the lost content restore it when they reconnect.
          </>
        }
      >
        <strong>Edits cannot be stored</strong> in {room()}
        <Show when={p().error}>: {p().error}</Show>. Nothing unsaved is shown to others; clients keep
        their edits and send them again once storage works.
      </Show>{' '}
      <span class="muted small">(since {formatTime(p().at)})</span>
    </li>
  )
}

/**
 * What `/api/health` reports, shown at the top of the dashboard while anything is wrong and gone
 * when all is well. Everything is rendered as text: file names and errors come from the server.
 */
export const StorageAlert: Component = () => {
  const problems = createHealth()
  return (
    <Show when={problems().length > 0}>
      <section class="storage-alert" role="alert" aria-labelledby="storage-alert-title">
        <h2 id="storage-alert-title">Storage problems</h2>
        <ul>
          <For each={problems()}>{(problem) => <Problem problem={problem} />}</For>
        </ul>
      </section>
    </Show>
  )
}
