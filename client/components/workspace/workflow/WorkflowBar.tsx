/**
 * The workspace header's workflow controls: the live status and last action from the meta room,
 * and a button for each action the signed-in person may take now (Submit; Request changes with
 * a message; Finalize; Reopen). A refused Submit or Finalize lists its reasons beside the button.
 */
import { createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { availableActions, canOverride, MAX_OVERRIDE_NOTE_CHARS, WorkflowAction } from '../../../../shared/workflow'
import type { FinalizeReason } from '../../../../shared/workflow'
import { ApiError, finalizeTask, reopenTask, requestChanges, submitTask } from '../../../api'
import type { Me, TaskDetail } from '../../../api'
import type { TaskMeta } from '../../../stores/taskMeta'
import { LastActionNote } from './LastActionNote'
import { FinalizeReasons } from './FinalizeReasons'
import '../../../styles/workflow.css'
import { NextTaskLink } from './NextTaskLink'
import { GoldControl } from './GoldControl'

const LABEL = {
  submit: 'Submit',
  request_changes: 'Request changes',
  finalize: 'Finalize',
  reopen: 'Reopen',
} as const

/** The workflow controls for the signed-in person, driven by the meta room's live status. */
export const WorkflowBar: Component<{ task: TaskDetail; me: Me; meta: TaskMeta }> = (props) => {
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [reasons, setReasons] = createSignal<FinalizeReason[]>([])
  // Which action the reasons refuse: submit and finalize answer 409 {reasons} in the same shape.
  const [refused, setRefused] = createSignal<WorkflowAction | null>(null)
  const [asking, setAsking] = createSignal(false)
  const [message, setMessage] = createSignal('')
  // After a submit, the next task is asked for again (and "nothing left" said).
  const [submitted, setSubmitted] = createSignal(false)
  const actions = () =>
    availableActions(props.meta.status(), {
      role: props.me.role,
      assigned: props.task.assignees.includes(props.me.id),
    })

  const run = async (action: WorkflowAction, overrideNote?: string) => {
    setBusy(true)
    setError(null)
    setReasons([])
    try {
      if (action === WorkflowAction.submit) {
        await submitTask(props.task.id)
        setSubmitted(true)
      }
      else if (action === WorkflowAction.reopen) await reopenTask(props.task.id)
      else if (action === WorkflowAction.finalize) await finalizeTask(props.task.id, overrideNote)
      else {
        await requestChanges(props.task.id, message())
        setAsking(false)
        setMessage('')
      }
    } catch (err) {
      const body = err instanceof ApiError ? (err.body as { reasons?: FinalizeReason[] } | null) : null
      if (Array.isArray(body?.reasons)) {
        setReasons(body.reasons)
        setRefused(action)
      }
      else setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="workflow-bar" aria-label="Workflow">
      <LastActionNote action={props.meta.lastAction()} />
      <NextTaskLink task={props.task} submitted={submitted()} />
      <For each={actions()}>
        {(action) => (
          <button
            type="button"
            disabled={busy()}
            aria-expanded={action === 'request_changes' ? asking() : undefined}
            aria-describedby={action === refused() && reasons().length ? `${action}-reasons` : undefined}
            onClick={() => (action === 'request_changes' ? setAsking(!asking()) : void run(action))}
          >
            {LABEL[action as keyof typeof LABEL]}
          </button>
        )}
      </For>
      <Show when={props.me.role === 'lead'}>
        <GoldControl taskId={props.task.id} status={props.meta.status()} />
      </Show>
      <Show when={asking() && actions().includes('request_changes')}>
        <form
          class="workflow-popover"
          onSubmit={(e) => {
            e.preventDefault()
            void run(WorkflowAction.request_changes)
          }}
        >
          <label>
            What should change?
            <textarea
              required
              maxLength={4000}
              value={message()}
              onInput={(e) => setMessage(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={busy() || message().trim() === ''}>
            Send back
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </form>
      </Show>
      <Show when={reasons().length > 0 && refused() === 'submit' && actions().includes('submit')}>
        <div class="workflow-popover">
          <FinalizeReasons id="submit-reasons" action="submit" reasons={reasons()} />
          <button type="button" onClick={() => setReasons([])}>
            Close
          </button>
        </div>
      </Show>
      <Show when={reasons().length > 0 && refused() === 'finalize' && actions().includes('finalize')}>
        <FinalizeReasonsPopover
          reasons={reasons()}
          busy={busy()}
          onOverride={(note) => void run(WorkflowAction.finalize, note)}
          onClose={() => setReasons([])}
        />
      </Show>
      <Show when={error()}>
        <p class="error small" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  )
}

/**
 * The refusal, and when every reason comes from the test runs, a written override: the
 * lead may finalize against the runs only by saying why, and the note goes into the record.
 */
const FinalizeReasonsPopover: Component<{
  reasons: FinalizeReason[]
  busy: boolean
  onOverride: (note: string) => void
  onClose: () => void
}> = (props) => {
  const [note, setNote] = createSignal('')
  return (
    <div class="workflow-popover">
      <FinalizeReasons id="finalize-reasons" action="finalize" reasons={props.reasons} />
      <Show when={canOverride(props.reasons)}>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            props.onOverride(note().trim())
          }}
        >
          <label>
            Override note: why finalize despite the test runs?
            <textarea
              required
              maxLength={MAX_OVERRIDE_NOTE_CHARS}
              value={note()}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
          <button type="submit" disabled={props.busy || note().trim() === ''}>
            Finalize with note
          </button>
        </form>
      </Show>
      <button type="button" onClick={() => props.onClose()}>
        Close
      </button>
    </div>
  )
}
