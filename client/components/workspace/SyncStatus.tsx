/** The room's connection in a word or two: connected, connecting, offline, or refused and why. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RoomDoc } from '../../sync/createRoomDoc'
import { closeMessage } from '../../sync/closeMessage'

type SyncState = 'connected' | 'syncing' | 'connecting' | 'offline'

function stateOf(room: RoomDoc): SyncState {
  if (room.status() === 'connected') return room.synced() ? 'connected' : 'syncing'
  return room.offline() ? 'offline' : 'connecting'
}

function describe(room: RoomDoc, state: SyncState): { text: string; detail: string } {
  const n = room.unsentEdits()
  switch (state) {
    case 'connected':
      return { text: 'Connected', detail: 'Live: changes are shared as you type.' }
    case 'syncing':
      return { text: 'Syncing…', detail: 'Exchanging changes with the server.' }
    case 'connecting':
      return { text: 'Connecting…', detail: 'Opening the live connection.' }
    case 'offline':
      return {
        text: n ? `Offline · ${n} unsent edit${n === 1 ? '' : 's'}` : 'Offline',
        detail:
          'Keep working: edits are saved in this browser and merged when the connection returns.',
      }
  }
}

export const SyncStatus: Component<{ room: RoomDoc }> = (props) => {
  const state = () => stateOf(props.room)
  const text = () => describe(props.room, state())
  return (
    <Show
      when={props.room.closedCode()}
      fallback={
        <p
          class={`sync sync-${state()}`}
          role="status"
          data-testid="sync-status"
          data-state={state()}
          title={text().detail}
        >
          <span class="dot" aria-hidden="true" />
          <span class="sync-text">{text().text}</span>
        </p>
      }
    >
      {(code) => (
        <p
          class="sync sync-refused"
          role="alert"
          data-testid="sync-status"
          data-state="refused"
          title={closeMessage(code())}
        >
          <span class="dot" aria-hidden="true" />
          <span class="sync-text">Refused: {closeMessage(code())}</span>
        </p>
      )}
    </Show>
  )
}
