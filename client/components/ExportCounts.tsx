/** Records and rows per format for the chosen filters; the chosen format's row is marked. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { EXPORT_FORMATS } from '../../shared/exports/formats'
import type { ExportCountsBody } from '../exportApi'

/** A row per format, so the lead sees what each download holds before taking it. */
export const ExportCounts: Component<{ counts: ExportCountsBody; format: string; onSelect: (format: string) => void }> = (props) => (
  <section class="panel" aria-labelledby="export-counts-title">
    <h2 id="export-counts-title">Counts</h2>
    <p>
      <span data-testid="export-records">{props.counts.records}</span> finalized records selected
      <Show when={props.counts.promptForm === 'conversational'}>
        {' '}
        (conversational prompts: every TRL format uses message lists; markdown prompts become one user message)
      </Show>
    </p>
    <table class="tasks export-counts" aria-label="Rows per format">
      <thead>
        <tr>
          <th scope="col">Format</th>
          <th scope="col">Rows</th>
        </tr>
      </thead>
      <tbody>
        <For each={EXPORT_FORMATS}>
          {(f) => (
            <tr aria-current={f === props.format ? 'true' : undefined}>
              <td>
                <button type="button" class="link" onClick={() => props.onSelect(f)}>
                  {f}
                </button>
              </td>
              <td>{props.counts.rows[f] ?? 0}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  </section>
)
