/** The workspace's notice that the server took away write access while the page was open. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'

/**
 * Shown when the server says this connection may no longer write (unassigned, finalized, a new
 * role): the editors, ranking and rubric turn read-only with it, so nobody keeps typing into a
 * page whose edits reach no one. The reason is the server's text, rendered as text.
 */
export const ReadOnlyNotice: Component<{ reason: string | null }> = (props) => (
  <Show when={props.reason}>
    {(reason) => (
      <p class="error ws-refused ws-readonly" role="alert">
        You can no longer edit this task: {reason()}. Reload the page if your lead gives you access again.
      </p>
    )}
  </Show>
)
