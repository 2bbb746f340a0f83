/** The room's connection as words: connecting, live, offline, or why the server refused it. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RoomDoc } from '../sync/createRoomDoc'
import { closeMessage } from '../sync/closeMessage'

function describe(room: RoomDoc): { tone: string; text: string } {
  if (room.status() === 'connected') {
    return room.synced()
      ? { tone: 'ok', text: 'Live: changes are shared as you type' }
      : { tone: 'busy', text: 'Syncing…' }
  }
  if (room.status() === 'connecting') return { tone: 'busy', text: 'Connecting…' }
  return { tone: 'warn', text: 'Offline: changes are kept here and sent when you reconnect' }
}

export const SyncStatus: Component<{ room: RoomDoc }> = (props) => {
  const state = () => describe(props.room)
  return (
    <Show
      when={props.room.closedCode()}
      fallback={
        <p class={`sync sync-${state().tone}`} role="status" data-testid="sync-status">
          <span class="dot" aria-hidden="true" />
          {state().text}
        </p>
      }
    >
      {(code) => (
        <p class="sync sync-error" role="alert" data-testid="sync-status">
          {closeMessage(code())}
        </p>
      )}
    </Show>
  )
}
