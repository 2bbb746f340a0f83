/**
 * The agreement chart's table: the tasks with a ballot, lowest agreement first, AGREEMENT_PAGE_ROWS
 * at a time ("Show 100 more"), so even a batch of 100,000 tasks never renders them all at once.
 * Rows exist only while the table is open.
 */
import { createMemo, createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { TaskStats } from '../../../shared/stats'
import { formatShare, formatTau } from '../workspace/ballot/agreementFormat'
import { AGREEMENT_PAGE_ROWS, lowestAgreementFirst } from './agreementRows'

/** A `<details>` table of `tasks` (those with a ballot) out of `taskCount` in the batch. */
export const AgreementTable: Component<{ tasks: TaskStats[]; taskCount: number }> = (props) => {
  const [open, setOpen] = createSignal(false)
  const [limit, setLimit] = createSignal(AGREEMENT_PAGE_ROWS)
  const sorted = createMemo(() => lowestAgreementFirst(props.tasks))
  const rows = () => (open() ? sorted().slice(0, limit()) : [])
  const more = () => Math.min(AGREEMENT_PAGE_ROWS, sorted().length - limit())
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Agreement per task as a table</summary>
      <p class="muted small" data-testid="agreement-table-count">
        {sorted().length
          ? `Showing ${Math.min(limit(), sorted().length)} of ${sorted().length} tasks with a ballot (of ${props.taskCount} in the batch), lowest agreement first.`
          : `No task of the ${props.taskCount} in the batch has a ballot yet.`}
      </p>
      <table class="agreement-table">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Submitted</th>
            <th scope="col">Mean tau-b</th>
            <th scope="col">Top-1</th>
            <th scope="col">Split pairs</th>
          </tr>
        </thead>
        <tbody>
          <For each={rows()}>
            {(t) => (
              <tr>
                <th scope="row">{t.id}</th>
                <td>{t.status.replace('_', ' ')}</td>
                <td>
                  {t.submitted} of {t.assignees.length}
                </td>
                <td>{formatTau(t.mean_tau_b)}</td>
                <td>{formatShare(t.top1_agreement)}</td>
                <td>{t.split_pairs}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={open() && more() > 0}>
        <button type="button" onClick={() => setLimit((n) => n + AGREEMENT_PAGE_ROWS)}>
          Show {more()} more
        </button>
      </Show>
    </details>
  )
}
