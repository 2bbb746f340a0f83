/**
 * createListWindow: which rows of a long list of variable-height rows are on screen in a scroll
 * container, so that only those are in the DOM. Heights are measured as rows render (a
 * ResizeObserver) and estimated until then; spacers above and below keep the scrollbar honest.
 * A list of thousands of comment threads renders a few dozen cards instead of thousands.
 */
import { createMemo, createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'

export interface ListWindowOptions {
  /** Row keys in order. */
  keys: Accessor<readonly string[]>
  /** The height a row is assumed to have until it is measured, in px. */
  estimateRowPx: number
  /** Extra height rendered above and below the visible part, in px. */
  overscanPx?: number
  /** Space between rows that their own height does not include (a grid or flex gap), in px. */
  gapPx?: number
}

export interface ListWindow {
  /** Attach to the scroll container. */
  container: (el: HTMLElement) => void
  /** Attach to each rendered row, with its key, so its height is measured. */
  measure: (el: HTMLElement, key: string) => void
  /** First and last+1 index of the rows to render. */
  range: Accessor<{ start: number; end: number }>
  /** Spacer heights above and below the rendered rows, in px. */
  before: Accessor<number>
  after: Accessor<number>
  /** Scrolls so that the row `key` is rendered and in view. */
  scrollTo: (key: string) => void
}

/** Follows the container's scroll position and size, and the rows' measured heights. */
export function createListWindow(options: ListWindowOptions): ListWindow {
  const overscan = options.overscanPx ?? 600
  const heights = new Map<string, number>()
  const [measured, setMeasured] = createSignal(0)
  const [scroll, setScroll] = createSignal({ top: 0, height: 800 })
  let box: HTMLElement | undefined
  const observed = new Map<Element, string>()
  const resize = new ResizeObserver((entries) => {
    let changed = false
    for (const e of entries) {
      if (e.target === box) {
        onScroll() // the container's own size: how much of the list is on screen
        continue
      }
      const key = observed.get(e.target)
      if (key === undefined) continue
      const h = (e.target as HTMLElement).offsetHeight + (options.gapPx ?? 0)
      if (h > (options.gapPx ?? 0) && heights.get(key) !== h) {
        heights.set(key, h)
        changed = true
      }
      if (!e.target.isConnected) {
        resize.unobserve(e.target)
        observed.delete(e.target)
      }
    }
    if (changed) setMeasured((n) => n + 1)
  })
  onCleanup(() => resize.disconnect())

  const onScroll = () => {
    if (box) setScroll({ top: box.scrollTop, height: box.clientHeight })
  }
  // Offsets of every row's top, and the total, from measured or estimated heights.
  const offsets = createMemo(() => {
    measured()
    const keys = options.keys()
    const tops = new Array<number>(keys.length + 1)
    let y = 0
    for (let i = 0; i < keys.length; i++) {
      tops[i] = y
      y += heights.get(keys[i]) ?? options.estimateRowPx
    }
    tops[keys.length] = y
    return tops
  })
  const range = createMemo(() => {
    const tops = offsets()
    const n = tops.length - 1
    const { top, height } = scroll()
    const from = Math.max(0, top - overscan)
    const to = top + height + overscan
    let start = 0
    let lo = 0
    let hi = n - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (tops[mid + 1] <= from) lo = mid + 1
      else {
        start = mid
        hi = mid - 1
      }
    }
    if (lo >= n) start = n
    let end = start
    while (end < n && tops[end] < to) end++
    return { start, end }
  })
  return {
    container: (el) => {
      box = el
      el.addEventListener('scroll', onScroll, { passive: true })
      resize.observe(el)
      queueMicrotask(onScroll)
      onCleanup(() => el.removeEventListener('scroll', onScroll))
    },
    measure: (el, key) => {
      observed.set(el, key)
      resize.observe(el)
    },
    range,
    before: () => offsets()[range().start] ?? 0,
    after: () => {
      const tops = offsets()
      return (tops[tops.length - 1] ?? 0) - (tops[range().end] ?? 0)
    },
    scrollTo: (key) => {
      const i = options.keys().indexOf(key)
      if (i < 0 || !box) return
      const top = offsets()[i]
      const bottom = offsets()[i + 1]
      if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) {
        box.scrollTop = top
        onScroll()
      }
    },
  }
}
