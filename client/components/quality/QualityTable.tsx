/** The quality table: one row per annotator, sorted by the column whose heading was pressed. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { QualityRow } from '../../../shared/quality'
import { QUALITY_COLUMNS, sortRows } from './qualityColumns'
import type { QualityKey } from './qualityColumns'

export const QualityTable: Component<{
  rows: readonly QualityRow[]
  sort: QualityKey
  descending: boolean
  onSort: (key: QualityKey, descending: boolean) => void
}> = (props) => {
  const sorted = () => sortRows(props.rows, props.sort, props.descending)
  const press = (key: QualityKey) => {
    // A new column starts with the best first for figures (descending), A to Z for names.
    if (key === props.sort) props.onSort(key, !props.descending)
    else props.onSort(key, key !== 'name')
  }
  return (
    <table class="quality-table">
      <caption class="sr-only">Quality per annotator</caption>
      <thead>
        <tr>
          <For each={QUALITY_COLUMNS}>
            {(col) => (
              <th
                scope="col"
                classList={{ num: col.numeric }}
                aria-sort={props.sort === col.key ? (props.descending ? 'descending' : 'ascending') : 'none'}
              >
                <button type="button" class="link" title={col.help} onClick={() => press(col.key)}>
                  {col.label}
                  {props.sort === col.key ? (props.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            )}
          </For>
        </tr>
      </thead>
      <tbody>
        <For each={sorted()} fallback={<tr><td colSpan={QUALITY_COLUMNS.length} class="muted">No annotator has work in this batch yet.</td></tr>}>
          {(row) => (
            <tr data-user={row.user}>
              <For each={QUALITY_COLUMNS}>
                {(col) =>
                  col.key === 'name' ? (
                    <th scope="row">{col.format(row)}</th>
                  ) : (
                    <td class="num" data-col={col.key}>{col.format(row)}</td>
                  )
                }
              </For>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  )
}
