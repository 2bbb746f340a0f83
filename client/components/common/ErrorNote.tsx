/** A failed load or refused request, shown as text with an optional retry. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'

export const ErrorNote: Component<{ error: unknown; onRetry?: () => void }> = (props) => {
  const message = () =>
    props.error instanceof Error ? props.error.message : String(props.error ?? 'Unknown error')
  return (
    <div class="error" role="alert">
      <p>{message()}</p>
      <Show when={props.onRetry}>
        {(retry) => (
          <button type="button" onClick={() => retry()()}>
            Retry
          </button>
        )}
      </Show>
    </div>
  )
}
