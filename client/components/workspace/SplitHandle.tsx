/** A drag handle between two workspace columns: pointer-draggable and keyboard-resizable. */
import { createSignal, onCleanup, onMount } from 'solid-js'
import type { Component } from 'solid-js'
import { SPLIT_LIMITS } from '../../stores/splits'
import type { SplitStore, Splits } from '../../stores/splits'

/**
 * A focusable `separator` (WAI-ARIA window splitter): Left and Right move it, Home and End go to
 * the limits, Enter restores the default. `measure` reads the split's current value from the
 * layout, so keys work from the default width too.
 */
export const SplitHandle: Component<{
  label: string
  which: keyof Splits
  store: SplitStore
  /** The current value of the split as laid out (percent or px). */
  measure: () => number
  /** Turns a pointer's x into the split's value. */
  fromPointer: (clientX: number) => number
  /** +1 when moving right grows the split's value, -1 when it shrinks it. */
  direction: 1 | -1
}> = (props) => {
  const limits = () => SPLIT_LIMITS[props.which]
  // The default width is only known once laid out; re-read it after mount and on resize.
  const [layoutTick, setLayoutTick] = createSignal(0)
  const relayout = () => setLayoutTick((n) => n + 1)
  onMount(() => {
    requestAnimationFrame(relayout)
    window.addEventListener('resize', relayout)
    onCleanup(() => window.removeEventListener('resize', relayout))
  })
  const valueNow = () => {
    layoutTick()
    return Math.round(props.store.splits()[props.which] ?? props.measure())
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const current = props.measure()
    const moves: Record<string, () => void> = {
      ArrowLeft: () => props.store.step(props.which, current, -props.direction),
      ArrowRight: () => props.store.step(props.which, current, props.direction),
      Home: () => props.store.set(props.which, limits().min),
      End: () => props.store.set(props.which, limits().max),
      Enter: () => props.store.reset(props.which),
    }
    const move = moves[e.key]
    if (!move) return
    e.preventDefault()
    move()
  }
  const onPointerDown = (e: PointerEvent) => {
    const handle = e.currentTarget as HTMLElement
    handle.setPointerCapture(e.pointerId)
    // Relative to where the grab started, so the column never jumps under the pointer.
    const offset = props.measure() - props.fromPointer(e.clientX)
    const onMove = (ev: PointerEvent) =>
      props.store.set(props.which, props.fromPointer(ev.clientX) + offset)
    const onUp = () => {
      handle.removeEventListener('pointermove', onMove)
      handle.removeEventListener('pointerup', onUp)
    }
    handle.addEventListener('pointermove', onMove)
    handle.addEventListener('pointerup', onUp)
    e.preventDefault()
  }
  return (
    <div
      class="split-handle"
      role="separator"
      tabindex="0"
      aria-label={props.label}
      aria-orientation="vertical"
      aria-valuemin={limits().min}
      aria-valuemax={limits().max}
      aria-valuenow={valueNow()}
      data-own-keys
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
    />
  )
}
