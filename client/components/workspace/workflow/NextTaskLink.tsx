/** "Next task" after a submit: the next task in the person's queue that still needs work. */
import { createResource, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'
import { listTasks } from '../../../api'

const NEEDS_WORK = new Set(['open', 'in_progress', 'changes_requested'])

/**
 * Shown once the person handed their work over, so the next task is one click away instead of a
 * trip through the queue. Follows the queue's order; says so when nothing is left.
 */
export const NextTaskLink: Component<{ currentId: string }> = (props) => {
  const [next] = createResource(
    () => props.currentId,
    async (id) => (await listTasks()).find((t) => t.id !== id && NEEDS_WORK.has(t.status)) ?? null,
  )
  return (
    <Show when={next.state === 'ready'}>
      <Show
        when={next()}
        fallback={<span class="muted small" role="status">Submitted. Nothing else is waiting for you.</span>}
      >
        {(t) => (
          <span role="status">
            <A class="next-task" href={`/tasks/${t().id}`}>
              Next task: {t().title} →
            </A>
          </span>
        )}
      </Show>
    </Show>
  )
}
