/** One thread in the Comments panel: where it points, its quote, comments, reply and resolve. */
import { createEffect, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { anchorLabel } from '../../shared/anchors'
import type { ThreadView } from '../../shared/comments'
import type { CommentsStore } from '../stores/comments'
import { CommentItem } from './CommentItem'
import { CommentComposer } from './CommentComposer'
import { useCandidateLabels } from '../stores/candidateLabels'

export const ThreadCard: Component<{ thread: ThreadView; store: CommentsStore; ref?: (el: HTMLLIElement) => void }> = (props) => {
  const c = props.store
  let card!: HTMLLIElement
  const labels = useCandidateLabels()
  const label = () => anchorLabel(labels.anchor(props.thread.anchor))
  // Only text can be deleted from under a thread; candidate code and the task never change.
  const outdated = () => props.thread.anchor?.kind === 'text' && c.resolved(props.thread) === null
  const active = () => c.active() === props.thread.id
  createEffect(() => {
    if (active()) card.scrollIntoView({ block: 'nearest' })
  })
  return (
    <li
      ref={(el) => {
        card = el
        props.ref?.(el)
      }}
      class="thread"
      classList={{ resolved: props.thread.resolved, active: active(), outdated: outdated() }}
      data-thread={props.thread.id}
      aria-label={`Thread on ${label()}`}
    >
      <div class="thread-head">
        <Show when={props.thread.anchor?.kind !== 'task' && !outdated()} fallback={<span class="small">{label()}</span>}>
          <button type="button" class="link small" onClick={() => c.jump(props.thread)} title="Show it">
            {label()}
          </button>
        </Show>
        <Show when={outdated()}>
          <span class="badge outdated-badge">Outdated</span>
        </Show>
        <Show when={c.mentionsMe(props.thread)}>
          <span class="badge mention-badge">Mentions you</span>
        </Show>
        <Show when={props.thread.resolved}>
          <span class="badge">Resolved</span>
        </Show>
      </div>
      <Show when={props.thread.quote}>
        <blockquote class="thread-quote" classList={{ 'quote-outdated': outdated() }}>
          {props.thread.quote}
        </blockquote>
      </Show>
      <For each={props.thread.comments}>
        {(comment) => <CommentItem comment={comment} authorName={c.nameOf(comment.author)} />}
      </For>
      <Show when={!props.thread.resolved}>
        <CommentComposer
          label="Reply"
          submitLabel="Reply"
          people={c.people()}
          disabled={c.locked() !== null}
          onSubmit={(body) => {
            if (!c.reply(props.thread.id, body)) throw new RangeError('this thread can no longer be replied to')
          }}
        />
      </Show>
      <div class="thread-actions">
        <button
          type="button"
          disabled={c.locked() !== null || c.whyNotResolve(props.thread) !== null}
          title={c.locked() ?? c.whyNotResolve(props.thread) ?? undefined}
          onClick={() => c.setResolved(props.thread.id, !props.thread.resolved)}
        >
          {props.thread.resolved ? 'Reopen' : 'Resolve'}
        </button>
      </div>
    </li>
  )
}
