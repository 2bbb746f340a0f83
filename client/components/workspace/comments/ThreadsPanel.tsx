/**
 * The "Comments" panel: start a thread from a selection, and every thread of the task. While the
 * task is finalized every control that writes is disabled, with the reason above them. Past
 * WINDOW_AFTER threads the list scrolls on its own and renders only the cards on screen, so
 * thousands of threads never freeze the page.
 */
import { createEffect, createMemo, createSignal, createUniqueId, For, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { anchorLabel } from '../../../../shared/anchors'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import type { CommentsStore } from '../../../stores/comments'
import { ThreadCard } from './ThreadCard'
import { CommentComposer } from './CommentComposer'
import { createListWindow } from './listWindow'
import '../../../styles/comments.css'

/** The comment shortcut, also outside editors: Ctrl+Alt+M (Cmd+Alt+M on a Mac). */
export function isCommentShortcut(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && e.altKey && !e.shiftKey && e.code === 'KeyM'
}

/** Lists longer than this render only the threads on screen. */
export const WINDOW_AFTER = 60
/** The gap between thread cards (`.threads` gap), added to each measured card. */
const CARD_GAP_PX = 8

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
  const shown = createMemo(() => c.threads().filter((t) => showResolved() || !t.resolved))
  const windowed = () => shown().length > WINDOW_AFTER
  const win = createListWindow({ keys: () => shown().map((t) => t.id), estimateRowPx: 150, gapPx: CARD_GAP_PX })
  const visible = () => (windowed() ? shown().slice(win.range().start, win.range().end) : shown())
  // A thread chosen elsewhere (a highlight clicked in an editor) is scrolled into the window.
  createEffect(() => {
    const id = c.active()
    if (id && windowed()) win.scrollTo(id)
  })
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
      <Show when={c.refused()}>
        {(why) => (
          <div class="note small comments-refused" role="alert">
            <p>
              The server refused your last change: {why()}. The comments were reloaded from the server, so what
              you see is what everyone sees.
            </p>
            <button type="button" class="link small" onClick={() => c.dismissRefused()}>
              Dismiss
            </button>
          </div>
        )}
      </Show>
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
      <div class="threads-scroll" classList={{ windowed: windowed() }} ref={win.container}>
        <ul
          class="threads"
          aria-label="Threads"
          style={windowed() ? { 'padding-top': `${win.before()}px`, 'padding-bottom': `${win.after()}px` } : {}}
        >
          <For each={visible()} fallback={<li class="muted small">No open threads.</li>}>
            {(t) => (
              <ThreadCard
                thread={t}
                store={c}
                ref={(el) => {
                  if (!windowed()) return
                  win.measure(el, t.id)
                  el.setAttribute('aria-setsize', String(shown().length))
                  el.setAttribute('aria-posinset', String(shown().indexOf(t) + 1))
                }}
              />
            )}
          </For>
        </ul>
      </div>
      <Show when={c.threads().some((t) => t.resolved)}>
        <label class="small">
          <input type="checkbox" checked={showResolved()} onChange={(e) => setShowResolved(e.currentTarget.checked)} /> Show
          resolved threads
        </label>
      </Show>
    </section>
  )
}
