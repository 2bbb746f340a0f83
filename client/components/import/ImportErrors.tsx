/** A refused import: nothing was imported, and every problem by line, as the server listed them. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { LineError } from '../../../shared/validation'

export const ImportErrors: Component<{ status: number; errors: LineError[]; message: string }> = (props) => (
  <div class="error import-errors" role="alert">
    <p>
      <strong>Nothing was imported.</strong>{' '}
      {props.status === 409
        ? 'Some task ids exist already: remove those lines, or tick “Skip tasks that exist”.'
        : props.errors.length
          ? 'Fix these lines and import the file again:'
          : props.message}
    </p>
    <Show when={props.errors.length}>
      <ul class="import-error-list" aria-label="Problems by line">
        <For each={props.errors}>
          {(e) => <li>{e.line > 0 ? `line ${e.line}: ${e.message}` : e.message}</li>}
        </For>
      </ul>
    </Show>
  </div>
)
