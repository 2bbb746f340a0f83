/** Hours per person per day with row and column totals, as a table (the numbers people are paid from). */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { HoursGrid } from './hoursGrid'
import { hoursText } from './hoursGrid'

export const HoursTable: Component<{ grid: HoursGrid; zone: string }> = (props) => (
  <Show when={props.grid.people.length > 0} fallback={<p class="muted">No active time in this range.</p>}>
    <div class="timesheet-wrap">
      <table class="tasks timesheet" aria-label={`Hours per person per day (${props.zone})`}>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <For each={props.grid.days}>{(d) => <th scope="col">{d}</th>}</For>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.grid.people}>
            {(p) => (
              <tr data-person={p.user}>
                <th scope="row">{p.name}</th>
                <For each={p.ms}>{(ms) => <td>{hoursText(ms)}</td>}</For>
                <td class="total">{hoursText(p.total)}</td>
              </tr>
            )}
          </For>
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <For each={props.grid.dayTotals}>{(ms) => <td>{hoursText(ms)}</td>}</For>
            <td class="total">{hoursText(props.grid.total)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  </Show>
)
