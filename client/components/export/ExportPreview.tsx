/** The first rows of the export as pretty JSON, rendered as text (never as HTML). */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'

/** Shows exactly what the file's first lines hold, so a wrong format or filter is seen before a download. */
export const ExportPreview: Component<{ rows: Record<string, unknown>[]; total: number | undefined }> = (props) => (
  <section class="panel" aria-labelledby="export-preview-title">
    <h2 id="export-preview-title">Preview</h2>
    <Show when={props.rows.length > 0} fallback={<p class="muted">No rows for these choices.</p>}>
      <p class="muted">
        First {props.rows.length} of {props.total ?? '…'} rows
      </p>
      <ol class="export-preview" aria-label="Preview rows">
        <For each={props.rows}>
          {(row) => (
            <li>
              <pre>{JSON.stringify(row, null, 2)}</pre>
            </li>
          )}
        </For>
      </ol>
    </Show>
  </section>
)
