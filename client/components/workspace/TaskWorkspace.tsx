/** One task's live workspace: the room `task:<id>`, its bar, its panels and its overlays. */
import { createEffect, createMemo, createSignal, on, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { TaskDetail } from '../../../shared/types'
import { roomName } from '../../../shared/roomNames'
import { getWorkspace } from '../../../shared/schema'
import { useMe } from '../../stores/session'
import { canWriteWorkspace, toPresenceUser } from '../../stores/access'
import { createViewController, ViewProvider } from '../../stores/view'
import { createRoomDoc } from '../../sync/createRoomDoc'
import type { RoomDoc } from '../../sync/createRoomDoc'
import { closeMessage } from '../../sync/closeMessage'
import { holdsAll, readServerState } from '../../sync/serverState'
import { TaskHeader } from './TaskHeader'
import { SyncStatus } from './SyncStatus'
import { WorkspaceGrid } from './WorkspaceGrid'
import { WorkspaceKeys } from './WorkspaceKeys'
import { MergeNotice } from './MergeNotice'
import { ReadOnlyNotice } from './ReadOnlyNotice'
import { HelpOverlay } from './HelpOverlay'
import { createWorkspaceUi } from './workspaceUi'
import { createTaskMeta } from '../../stores/taskMeta'
import { createUnsentText, readTexts } from '../../stores/unsentText'
import type { CarriedText } from '../../stores/unsentText'
import { WorkflowBar } from './workflow/WorkflowBar'
import { WorkflowNotice } from './workflow/WorkflowNotice'
import { useTaskTitle } from '../../stores/pageTitle'
import { taskTitle } from '../../format'
import { CandidateLabelsProvider, createCandidateLabels } from '../../stores/candidateLabels'

/** What a reload hands the next room: the old texts and offers, to compare with the server's. */
type Carried = Omit<CarriedText, 'synced'>

/**
 * Opens the room for as long as it is mounted; one instance per task id. When the server dropped
 * writes this page's doc still holds (`room.stale`), the room is opened afresh from the server,
 * without its offline copy, and what the server lacks is offered under "Your unsent text".
 */
export const TaskWorkspace: Component<{ task: TaskDetail }> = (props) => {
  const [generation, setGeneration] = createSignal<{ carried?: Carried }>({})
  const onStale = (room: RoomDoc, carried: Carried) =>
    void room.discardCache().then(() => setGeneration({ carried }))
  return (
    <Show when={generation()} keyed>
      {(g) => <RoomWorkspace task={props.task} carried={g.carried} onStale={onStale} />}
    </Show>
  )
}

const RoomWorkspace: Component<{
  task: TaskDetail
  carried: Carried | undefined
  onStale: (room: RoomDoc, carried: Carried) => void
}> = (props) => {
  const me = useMe()
  const room = createRoomDoc(roomName.workspace(props.task.id), { user: toPresenceUser(me()) })
  const ui = createWorkspaceUi(props.task.candidates.map((c) => c.id))
  // The meta room is the live word on status: a finalize turns everything read-only at once.
  const meta = createTaskMeta(props.task.id, props.task)
  const live = createMemo(() => ({ ...props.task, status: meta.status(), revision: meta.revision() }))
  const readOnly = createMemo(() => !canWriteWorkspace(me(), live()))
  const ws = getWorkspace(room.doc)
  useTaskTitle(() => `${taskTitle(props.task.prompt, props.task.id)} (${props.task.id})`)
  const unsent = createUnsentText(ws, readOnly, meta.revision, props.carried && { ...props.carried, synced: room.synced }, {
    read: () => readServerState(room.room),
    holdsAll,
  })
  // The revision the refused writes were made in, for the offer's wording (a reopen moves it on).
  let deniedIn = meta.revision()
  createEffect(on(room.denied, (reason) => void (reason !== null && (deniedIn = meta.revision()))))
  createEffect(
    on(room.stale, (stale) => {
      if (stale) props.onStale(room, { offers: unsent.fields(), local: readTexts(ws, deniedIn) })
    }),
  )
  // A reopen (a new revision) or a request for changes on submitted work gives write back on the
  // same socket: stop showing the old denial once the live status allows writing again.
  createEffect(on([meta.revision, readOnly], () => !readOnly() && room.clearDenied(), { defer: true }))
  // Blind batches (docs/workflow.md, "Blind judging"): letters, not ids or models, for everyone but the lead.
  const labels = createCandidateLabels(props.task, me().role)
  return (
    <CandidateLabelsProvider labels={labels}>
    <ViewProvider controller={createViewController(room.awareness)}>
      <div class="workspace">
        <header class="ws-bar">
          <TaskHeader task={live()} />
          <WorkflowBar task={props.task} me={me()} meta={meta} />
          <SyncStatus room={room} />
          <button
            type="button"
            class="icon"
            aria-label="Keyboard shortcuts"
            title="Keyboard shortcuts (?)"
            onClick={() => ui.setHelpOpen(true)}
          >
            ?
          </button>
        </header>
        {/* A refused room shows only the reason: its cached copy may not be ours to read. */}
        <Show
          when={room.closedCode() === null}
          fallback={
            <p class="error ws-refused" role="alert">
              {closeMessage(room.closedCode() ?? 0, room.wasOpen())}
            </p>
          }
        >
          <ReadOnlyNotice reason={room.denied()} status={meta.status()} role={me().role} />
          <WorkflowNotice meta={meta} />
          <WorkspaceKeys
            awareness={room.awareness}
            helpOpen={ui.helpOpen()}
            onHelp={ui.setHelpOpen}
          />
          <WorkspaceGrid
            task={props.task}
            assignees={meta.assignees}
            ws={ws}
            awareness={room.awareness}
            readOnly={readOnly() || room.denied() !== null}
            finalized={meta.status() === 'finalized'}
            unsent={unsent}
            ui={ui}
          />
        </Show>
        <MergeNotice room={room} />
        <HelpOverlay open={ui.helpOpen()} onClose={() => ui.setHelpOpen(false)} />
      </div>
    </ViewProvider>
    </CandidateLabelsProvider>
  )
}
