/** createThrottle: a function run at once, then at most once per interval (a call in between runs at its end). */
import { onCleanup } from 'solid-js'

/** Returns the throttled caller; its timer is cleared with the owner. */
export function createThrottle(run: () => void, intervalMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let wanted = false
  const tick = () => {
    if (!wanted) return void (timer = undefined)
    wanted = false
    run()
    timer = setTimeout(tick, intervalMs)
  }
  onCleanup(() => clearTimeout(timer))
  return () => {
    wanted = true
    if (timer === undefined) tick()
  }
}
