/** The workspace's title line: the task's title, then id, batch, language, revision and status. */
import type { Component } from 'solid-js'
import type { TaskDetail } from '../../../shared/types'
import { StatusBadge } from '../common/StatusBadge'
import { taskTitle } from '../../format'

export const TaskHeader: Component<{ task: TaskDetail }> = (props) => (
  <div class="task-header">
    <h1 title={taskTitle(props.task.prompt, props.task.id)}>
      {taskTitle(props.task.prompt, props.task.id)}
    </h1>
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
        <dt>Rev</dt>
        <dd>{props.task.revision}</dd>
      </div>
      <div>
        <dt class="sr-only">Status</dt>
        <dd>
          <StatusBadge status={props.task.status} />
        </dd>
      </div>
    </dl>
  </div>
)
