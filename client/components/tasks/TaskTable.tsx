/**
 * A table of tasks, virtualized: only the rows in view (and a few either side) are in the DOM, so a
 * list of any length costs what one screen costs. ↑/↓ or j/k move between rows, Enter opens the
 * focused task; the table keeps its roles and says how many rows it has (aria-rowcount), and each
 * row where it stands (aria-rowindex).
 */
import { createEffect, createMemo, createSignal, For, on, onMount, Show } from 'solid-js'
import type { Component, JSX } from 'solid-js'
import { createVirtualizer } from '@tanstack/solid-virtual'
import type { TaskSummary } from '../../../shared/types'
import { onRowKeys } from './rowKeys'

/** A column heading; a hidden one is read by screen readers only (a column of buttons). */
export type TaskColumn = string | { hidden: string }

/**
 * What a row's `<tr>` must carry so the table can measure it and readers can count it:
 * `ref={slot.ref} data-index={slot.index} aria-rowindex={slot.index + 2}` (the header is row 1).
 */
export interface RowSlot {
  /** The row's position in the whole list, from 0 (live: it moves when rows before it come or go). */
  readonly index: number
  ref: (el: HTMLTableRowElement) => void
}

/** Rows rendered beyond each edge of the view. */
const OVERSCAN = 8

/** The queue and the lead's dashboard differ only in their columns, rows and empty message. */
export const TaskTable: Component<{
  tasks: TaskSummary[]
  /** How many rows the whole list has (held or not). */
  total: number
  label: string
  columns: readonly TaskColumn[]
  /** Shown in one full-width row when no task is listed. */
  empty: string
  /** A row's height before it is measured, in pixels. */
  estimate: number
  /** Called when the rows in view come near the last one held. */
  onNearEnd?: () => void
  /** A new value (other filters) scrolls back to the first row. */
  resetKey?: string
  /** The rows in view (first and last index), for data fetched per shown row. */
  onRange?: (first: number, last: number) => void
  row: (task: TaskSummary, slot: RowSlot) => JSX.Element
}> = (props) => {
  let scroller!: HTMLDivElement
  let head!: HTMLTableSectionElement
  const [headHeight, setHeadHeight] = createSignal(0)
  onMount(() => setHeadHeight(head.offsetHeight))
  const virtualizer = createVirtualizer({
    get count() {
      return props.tasks.length
    },
    getScrollElement: () => scroller,
    estimateSize: () => props.estimate,
    overscan: OVERSCAN,
    get scrollMargin() {
      return headHeight()
    },
    getItemKey: (i) => props.tasks[i]?.id ?? i,
  })
  const items = () => virtualizer.getVirtualItems()
  const first = () => items()[0]?.index ?? 0
  // Rows by task, so a row keeps its DOM (and an open form) when rows before it come or go.
  const shown = createMemo(() => items().map((item) => props.tasks[item.index]).filter((t) => t !== undefined))
  const padTop = () => Math.max(0, (items()[0]?.start ?? headHeight()) - headHeight())
  const padBottom = () => {
    const last = items()[items().length - 1]
    return last ? Math.max(0, virtualizer.getTotalSize() - (last.end - headHeight())) : 0
  }
  const slot = (i: () => number): RowSlot => ({
    get index() {
      return first() + i()
    },
    // Measured once its attributes are set and it is in the table.
    ref: (el) => queueMicrotask(() => el.isConnected && virtualizer.measureElement(el)),
  })

  createEffect(on(() => props.resetKey, () => virtualizer.scrollToOffset(0), { defer: true }))
  createEffect(
    on(
      () => [items()[items().length - 1]?.index ?? -1, props.tasks.length] as const,
      ([last, length]) => {
        if (length > 0 && last >= length - 1 - OVERSCAN * 2) props.onNearEnd?.()
        if (last >= 0) props.onRange?.(first(), last)
      },
    ),
  )

  return (
    <div class="task-scroll" ref={scroller}>
      <table class="tasks" aria-label={props.label} aria-rowcount={props.total + 1} onKeyDown={onRowKeys}>
        <thead ref={head}>
          <tr aria-rowindex={1}>
            <For each={props.columns}>
              {(column) => (
                <th scope="col">
                  {typeof column === 'string' ? column : <span class="visually-hidden">{column.hidden}</span>}
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <Show
            when={props.tasks.length > 0}
            fallback={
              <tr>
                <td colSpan={props.columns.length} class="muted">
                  {props.empty}
                </td>
              </tr>
            }
          >
            <Show when={padTop() > 0}>
              <tr class="task-spacer" aria-hidden="true">
                <td colSpan={props.columns.length} style={{ height: `${padTop()}px` }} />
              </tr>
            </Show>
            <For each={shown()}>{(task, i) => props.row(task, slot(i))}</For>
            <Show when={padBottom() > 0}>
              <tr class="task-spacer" aria-hidden="true">
                <td colSpan={props.columns.length} style={{ height: `${padBottom()}px` }} />
              </tr>
            </Show>
          </Show>
        </tbody>
      </table>
    </div>
  )
}
