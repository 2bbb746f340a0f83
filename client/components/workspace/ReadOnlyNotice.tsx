/** The workspace's notice that this person may no longer write to the task. */
import { Match, Show, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import type { Role, TaskStatus } from '../../../shared/types'

/**
 * Shown once the server says this connection may no longer write: the editors, ranking and
 * rubric turn read-only with it, so nobody keeps typing into a page whose edits reach no one.
 * Where the task's live status explains it, the notice says that plainly: an annotator's own
 * submit and a finalize are the workflow, not an accident, and the lead is the one who reopens
 * (never "your lead"). Otherwise it gives the server's reason, rendered as text.
 */
export const ReadOnlyNotice: Component<{ reason: string | null; status: TaskStatus; role: Role }> = (props) => {
  const isLead = () => props.role === 'lead'
  return (
    <Show when={props.reason}>
      {(reason) => (
        <Switch
          fallback={
            <p class="error ws-refused ws-readonly" role="alert">
              You can no longer edit this task: {reason()}.
              {isLead() ? '' : ' Reload the page if your lead gives you access again.'}
            </p>
          }
        >
          <Match when={props.status === 'finalized'}>
            <p class="ws-readonly" role="status">
              {isLead()
                ? 'This task is finalized, so it is read-only. Reopen gives the editors back.'
                : 'This task is finalized, so it is read-only until your lead reopens it.'}
            </p>
          </Match>
          <Match when={props.status === 'submitted' && props.role === 'annotator'}>
            <p class="ws-readonly" role="status">
              You submitted this task; it is read-only until your lead sends it back or reopens it.
            </p>
          </Match>
        </Switch>
      )}
    </Show>
  )
}
