/** One thread in the Comments panel: where it points, its quote, comments, reply and resolve. */
import { createEffect, createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { anchorLabel } from '../../../../shared/anchors'
import { MAX_THREAD_COMMENTS, THREAD_FULL } from '../../../../shared/comments'
import type { ThreadView } from '../../../../shared/comments'
import { EARLIER_STEP, visibleComments } from './threadWindow'
import type { CommentsStore } from '../../../stores/comments'
import { CommentItem } from './CommentItem'
import { CommentComposer } from './CommentComposer'
import { useCandidateLabels } from '../../../stores/candidateLabels'

export const ThreadCard: Component<{ thread: ThreadView; store: CommentsStore; ref?: (el: HTMLLIElement) => void }> = (props) => {
  const c = props.store
  let card!: HTMLLIElement
  const labels = useCandidateLabels()
  const label = () => anchorLabel(labels.anchor(props.thread.anchor))
  // Only text can be deleted from under a thread; candidate code and the task never change.
  const outdated = () => props.thread.anchor?.kind === 'text' && c.resolved(props.thread) === null
  const active = () => c.active() === props.thread.id
  const [shown, setShown] = createSignal(0)
  const visible = () => visibleComments(props.thread.comments, shown())
  const full = () => props.thread.comments.length >= MAX_THREAD_COMMENTS
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
      <For each={visible().first}>{(comment) => <CommentItem comment={comment} authorName={c.nameOf(comment.author)} />}</For>
      <Show when={visible().hidden > 0}>
        <button type="button" class="link small comment-more" onClick={() => setShown((n) => n + EARLIER_STEP)}>
          Show {Math.min(EARLIER_STEP, visible().hidden)} earlier {visible().hidden === 1 ? 'reply' : 'replies'} ({visible().hidden} hidden)
        </button>
      </Show>
      <For each={visible().rest}>{(comment) => <CommentItem comment={comment} authorName={c.nameOf(comment.author)} />}</For>
      <Show when={!props.thread.resolved && full()}>
        <p class="small muted thread-full" role="note">
          {THREAD_FULL[0].toUpperCase() + THREAD_FULL.slice(1)}.
        </p>
      </Show>
      <Show when={!props.thread.resolved && !full()}>
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
