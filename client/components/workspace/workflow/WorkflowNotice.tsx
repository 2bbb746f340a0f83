/**
 * The banner under the workspace header that says why the page behaves as it does: finalized
 * (everything is read-only until the lead reopens it) or sent back (with the lead's message).
 */
import { Match, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import type { TaskMeta } from '../../../stores/taskMeta'

/** Says why the workspace is read-only, or what the lead asked for. */
export const WorkflowNotice: Component<{ meta: TaskMeta }> = (props) => {
  const by = () => props.meta.lastAction()?.by_name || 'the lead'
  const at = () => {
    const iso = props.meta.finalizedAt()
    return iso ? new Date(iso).toLocaleString() : ''
  }
  return (
    <Switch>
      <Match when={props.meta.status() === 'finalized'}>
        <p class="workflow-notice finalized" role="status">
          Revision {props.meta.revision()} was finalized by {by()} {at() ? `on ${at()}` : ''}. The
          editors, ranking and rubric are read-only until the lead reopens the task.
        </p>
      </Match>
      <Match when={props.meta.status() === 'changes_requested'}>
        <p class="workflow-notice changes" role="status">
          {by()} requested changes: {props.meta.lastAction()?.message ?? ''}
        </p>
      </Match>
    </Switch>
  )
}
