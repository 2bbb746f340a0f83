/** A task's unresolved comment threads in a list, and how many of them mention the reader. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { ThreadSummary } from '../../../shared/types'

/** Nothing when there are no unresolved threads; the summary may be absent from an older server. */
export const ThreadsCount: Component<{ threads: ThreadSummary | undefined }> = (props) => {
  const label = () => {
    const t = props.threads!
    const open = `${t.unresolved} unresolved ${t.unresolved === 1 ? 'thread' : 'threads'}`
    return t.mentions > 0 ? `${open}, ${t.mentions} ${t.mentions === 1 ? 'mentions' : 'mention'} you` : open
  }
  return (
    <Show when={props.threads && props.threads.unresolved > 0}>
      <span
        class="comment-count small"
        classList={{ mentioned: (props.threads?.mentions ?? 0) > 0 }}
        data-threads={props.threads!.unresolved}
        title={label()}
      >
        {label()}
      </span>
    </Show>
  )
}
