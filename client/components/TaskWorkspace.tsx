/** One task's live workspace: prompt, the shared Explanation editor, sync status and presence. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { TaskDetail } from '../api'
import { roomName } from '../../shared/roomNames'
import { getWorkspace } from '../../shared/schema'
import { useMe } from '../stores/session'
import { canWriteWorkspace, toPresenceUser } from '../stores/access'
import { createRoomDoc } from '../sync/createRoomDoc'
import { createPresence } from '../sync/createPresence'
import { TaskHeader } from './TaskHeader'
import { PromptPanel } from './PromptPanel'
import { ExplanationPanel } from './ExplanationPanel'
import { SyncStatus } from './SyncStatus'
import { PresenceList } from './PresenceList'

/** Opens the room `task:<id>` for as long as it is mounted; one instance per task id. */
export const TaskWorkspace: Component<{ task: TaskDetail }> = (props) => {
  const me = useMe()
  const room = createRoomDoc(roomName.workspace(props.task.id), { user: toPresenceUser(me()) })
  const workspace = getWorkspace(room.doc)
  const people = createPresence(room.awareness)
  const readOnly = () => !canWriteWorkspace(me(), props.task)
  return (
    <div class="workspace">
      <TaskHeader task={props.task} />
      <div class="workspace-grid">
        <div class="workspace-main">
          <PromptPanel prompt={props.task.prompt} />
          {/* A refused room shows only the reason: its cached copy may not be ours to read. */}
          <Show when={room.closedCode() === null}>
            <ExplanationPanel
              ytext={workspace.explanation}
              awareness={room.awareness}
              readOnly={readOnly()}
            />
          </Show>
        </div>
        <aside class="workspace-side" aria-label="Room">
          <SyncStatus room={room} />
          <PresenceList people={people()} />
        </aside>
      </div>
    </div>
  )
}
