/** Records and rows per format for the chosen filters; the chosen format's row is marked. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { EXPORT_FORMATS } from '../../../shared/exports/formats'
import type { ExportCountsBody } from '../../exportApi'

/** How the page names each reason `humaneval` leaves a task out. */
const LEFT_OUT: Record<string, string> = {
  not_python: 'not Python',
  no_entry_point: 'no usable entry point',
  entry_point_not_defined: 'the reference solution does not define the entry point',
  no_tests: 'no test_* function or check(candidate) in the tests',
}

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
    <p data-testid="export-kto-balance">
      kto: {props.counts.kto.desirable} desirable, {props.counts.kto.undesirable} undesirable. For TRL's recommended
      balance (desirable_weight × desirable ÷ (undesirable_weight × undesirable) from 1 to 4/3) use{' '}
      <code>
        KTOConfig(desirable_weight={props.counts.kto.desirable_weight}, undesirable_weight={props.counts.kto.undesirable_weight})
      </code>
      .
    </p>
    <Show when={Object.values(props.counts.humaneval_left_out).some((n) => n > 0)}>
      <p data-testid="export-humaneval-left-out">
        humaneval leaves out{' '}
        {Object.entries(props.counts.humaneval_left_out)
          .filter(([, n]) => n > 0)
          .map(([reason, n]) => `${n} ${n === 1 ? 'task' : 'tasks'}: ${LEFT_OUT[reason] ?? reason}`)
          .join('; ')}
        .
      </p>
    </Show>
  </section>
)
