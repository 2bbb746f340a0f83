/** The workspace heading: the task's title, batch, language, revision and status. */
import type { Component } from 'solid-js'
import type { TaskDetail } from '../api'
import { StatusBadge } from './StatusBadge'
import { taskTitle } from '../format'

export const TaskHeader: Component<{ task: TaskDetail }> = (props) => (
  <header class="task-header">
    <h1>{taskTitle(props.task.prompt, props.task.id)}</h1>
    <dl class="facts">
      <div>
        <dt>Task</dt>
        <dd>{props.task.id}</dd>
      </div>
      <div>
        <dt>Batch</dt>
        <dd>{props.task.batch}</dd>
      </div>
      <div>
        <dt>Language</dt>
        <dd>{props.task.language}</dd>
      </div>
      <div>
        <dt>Revision</dt>
        <dd>{props.task.revision}</dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={props.task.status} />
        </dd>
      </div>
    </dl>
  </header>
)
