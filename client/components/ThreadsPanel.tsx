/**
 * The "Comments" panel: start a thread from a selection, and every thread of the task. While the
 * task is finalized every control that writes is disabled, with the reason above them.
 */
import { createSignal, createUniqueId, For, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { anchorLabel } from '../../shared/anchors'
import { useCandidateLabels } from '../stores/candidateLabels'
import type { CommentsStore } from '../stores/comments'
import { ThreadCard } from './ThreadCard'
import { CommentComposer } from './CommentComposer'
import '../styles/comments.css'

/** The comment shortcut, also outside editors: Ctrl+Alt+M (Cmd+Alt+M on a Mac). */
export function isCommentShortcut(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && e.altKey && !e.shiftKey && e.code === 'KeyM'
}

export const ThreadsPanel: Component<{ store: CommentsStore }> = (props) => {
  const c = props.store
  const labels = useCandidateLabels()
  const uid = createUniqueId()
  const [showResolved, setShowResolved] = createSignal(false)
  const [hint, setHint] = createSignal('')
  let composer: HTMLTextAreaElement | undefined
  c.onDraftStarted(() => {
    setHint('')
    queueMicrotask(() => composer?.focus())
  })
  const start = () => {
    if (c.locked()) return setHint(c.locked()!)
    if (!c.startDraft()) setHint('Select text in an editor, or lines of a candidate’s code, first.')
  }
  const onKey = (e: KeyboardEvent) => {
    if (!isCommentShortcut(e) || e.defaultPrevented) return
    e.preventDefault()
    start()
  }
  document.addEventListener('keydown', onKey)
  onCleanup(() => document.removeEventListener('keydown', onKey))
  const open = () => c.threads().filter((t) => !t.resolved).length
  const shown = () => c.threads().filter((t) => showResolved() || !t.resolved)
  return (
    <section class="comments-panel" aria-labelledby={`${uid}-title`}>
      <h2 id={`${uid}-title`}>Comments</h2>
      <Show when={c.locked()}>
        {(reason) => (
          <p class="note small comments-locked" role="note">
            {reason()}
          </p>
        )}
      </Show>
      <div class="comments-tools">
        <button
          type="button"
          disabled={c.locked() !== null}
          onMouseDown={(e) => e.preventDefault()}
          onClick={start}
          title="Comment on the selection (Ctrl+Alt+M)"
        >
          Comment on selection <kbd class="hint">Ctrl+Alt+M</kbd>
        </button>
        <button type="button" class="link small" disabled={c.locked() !== null} onClick={() => c.startTaskDraft()}>
          On the whole task
        </button>
      </div>
      <p class="muted small" role="status">
        {hint() || `${open()} open${c.threads().length > open() ? `, ${c.threads().length - open()} resolved` : ''}`}
      </p>
      <Show when={c.draft()}>
        {(d) => (
          <div class="thread draft">
            <div class="small">New thread on {anchorLabel(labels.anchor(d().anchor))}</div>
            <Show when={d().quote}>
              <blockquote class="thread-quote">{d().quote}</blockquote>
            </Show>
            <CommentComposer
              label="New comment"
              submitLabel="Comment"
              people={c.people()}
              ref={(el) => (composer = el)}
              disabled={c.locked() !== null}
              onSubmit={(body) => void c.post(body)}
              onCancel={c.cancelDraft}
            />
          </div>
        )}
      </Show>
      <ul class="threads" aria-label="Threads">
        <For each={shown()} fallback={<li class="muted small">No open threads.</li>}>
          {(t) => <ThreadCard thread={t} store={c} />}
        </For>
      </ul>
      <Show when={c.threads().some((t) => t.resolved)}>
        <label class="small">
          <input type="checkbox" checked={showResolved()} onChange={(e) => setShowResolved(e.currentTarget.checked)} /> Show
          resolved threads
        </label>
      </Show>
    </section>
  )
}
