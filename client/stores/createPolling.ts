/** createPolling: a value re-read on an interval while visible, keeping the last good value. */
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'

export interface Polled<T> {
  /** The last value that loaded; kept when a later refresh fails. */
  data: Accessor<T | undefined>
  /** The error of the latest attempt, cleared by the next success. */
  error: Accessor<unknown>
  refresh: () => Promise<void>
}

/**
 * Loads now and then every `intervalMs` while the page is visible, until the owner is cleaned up.
 * Unlike a resource, a failed refresh does not hide the data already shown.
 */
export function createPolling<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [data, setData] = createSignal<T>()
  const [error, setError] = createSignal<unknown>()
  let alive = true
  const refresh = async () => {
    try {
      const value = await load()
      if (!alive) return
      setData(() => value)
      setError(undefined)
    } catch (err) {
      if (alive) setError(err)
    }
  }
  void refresh()
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void refresh()
  }, intervalMs)
  onCleanup(() => {
    alive = false
    clearInterval(timer)
  })
  return { data, error, refresh }
}
