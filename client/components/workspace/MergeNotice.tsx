/** The "back online" message: how many offline edits were merged when the connection returned. */
import { createEffect, createSignal, on, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RoomDoc } from '../../sync/createRoomDoc'

const NOTICE_MS = 8_000

/** A toast above the layout (position: fixed), so its arrival never moves a panel. */
export const MergeNotice: Component<{ room: RoomDoc }> = (props) => {
  const [visible, setVisible] = createSignal(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  createEffect(
    on(props.room.lastMerge, (merge) => {
      if (!merge) return
      setVisible(true)
      clearTimeout(timer)
      timer = setTimeout(() => setVisible(false), NOTICE_MS)
    }),
  )
  onCleanup(() => clearTimeout(timer))
  const count = () => props.room.lastMerge()?.count ?? 0
  return (
    <div class="toast-region" role="status" aria-live="polite">
      <Show when={visible()}>
        <p class="toast" data-testid="merge-notice">
          Back online — your {count()} offline edit{count() === 1 ? ' was' : 's were'} merged.
          <button type="button" class="link" onClick={() => setVisible(false)}>
            Dismiss
          </button>
        </p>
      </Show>
    </div>
  )
}
