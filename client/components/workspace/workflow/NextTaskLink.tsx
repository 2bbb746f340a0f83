/** "Next task": the person's next assigned, unfinished task in this task's batch (`GET /api/next`). */
import { createResource, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'
import { getNextTask, getTask } from '../../../api'
import { taskTitle } from '../../../../shared/title'
import { useMe } from '../../../stores/session'

/**
 * Shown whenever the person has another task waiting in this batch, so it is one click away instead
 * of a trip through the queue; never leads into another batch. After a submit with nothing left, it
 * says so. Asked again after each submit; only for annotators.
 */
export const NextTaskLink: Component<{ task: { id: string; batch: string }; submitted: boolean }> = (props) => {
  const me = useMe()
  // Only annotators have a queue to work through (the route answers 403 to anyone else).
  const [next] = createResource(
    () => me().role === 'annotator' && { id: props.task.id, batch: props.task.batch, submitted: props.submitted },
    async ({ id, batch }) => {
      const nextId = await getNextTask(batch, id)
      if (!nextId || nextId === id) return null
      // The title reads better than an id; the id does when the task cannot be read.
      const title = await getTask(nextId).then((t) => taskTitle(t.prompt, nextId), () => nextId)
      return { id: nextId, title }
    },
  )
  return (
    <Show when={next.state === 'ready'}>
      <Show
        when={next()}
        fallback={
          <Show when={props.submitted}>
            <span class="muted small" role="status">
              Submitted. Nothing else in this batch is waiting for you.
            </span>
          </Show>
        }
      >
        {(t) => (
          <span role="status">
            <A class="next-task" href={`/tasks/${encodeURIComponent(t().id)}`}>
              Next task: {t().title} →
            </A>
          </span>
        )}
      </Show>
    </Show>
  )
}
