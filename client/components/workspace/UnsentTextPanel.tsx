/**
 * "Your unsent text": the editors' contents as this person had them when the task turned
 * read-only, each with Copy and "Post as comment", so nothing they typed silently vanishes.
 */
import { createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { UnsentText } from '../../stores/unsentText'
import { unsentCommentBody } from '../../stores/unsentText'
import type { CommentsStore } from '../../stores/comments'
import { toQuote } from '../../../shared/comments'

/** Copies through the clipboard API, or by selecting the text area where that is refused. */
async function copy(text: string, area: HTMLTextAreaElement | undefined): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    area?.select()
    return document.execCommand?.('copy') ?? false
  }
}

/**
 * Shown only when there is something to offer; Dismiss hides it. Posting starts a thread on the
 * whole task quoting the text. The comments room is read-only too while the task is
 * finalized, so the button is disabled then and says when it will work (after a reopen).
 */
export const UnsentTextPanel: Component<{ unsent: UnsentText; comments: CommentsStore }> = (props) => {
  const [copied, setCopied] = createSignal<string | null>(null)
  const [posted, setPosted] = createSignal<ReadonlySet<string>>(new Set())
  const [error, setError] = createSignal<{ field: string; message: string } | null>(null)
  const post = (f: ReturnType<UnsentText['fields']>[number]) => {
    try {
      props.comments.postOnTask(unsentCommentBody(f), toQuote(f.text))
      setPosted((s) => new Set([...s, f.field]))
      setError(null)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      setError({ field: f.field, message: `Not posted: ${message}. Copy it instead.` })
    }
  }
  return (
    <Show when={props.unsent.fields().length > 0}>
      <section class="unsent-text" aria-labelledby="unsent-title">
        <header class="pane-head">
          <h2 id="unsent-title">Your unsent text</h2>
          <button type="button" onClick={() => props.unsent.dismiss()}>
            Dismiss
          </button>
        </header>
        <p class="small">
          The task turned read-only while you were editing (it was finalized, or your access
          changed). Changes that reached the server before that are kept; anything after it was
          not. Here is what you had, so you can copy it or post it as a comment on the task.
        </p>
        <Show when={props.comments.locked()}>
          <p class="small unsent-locked" role="note">
            Comments are read-only while the task is finalized, so this cannot be posted yet: copy it
            now, or post it here once the lead reopens the task.
          </p>
        </Show>
        <For each={props.unsent.fields()}>
          {(f) => {
            let area: HTMLTextAreaElement | undefined
            const done = () => posted().has(f.field)
            return (
              <div class="unsent-field">
                <label>
                  {f.label}
                  <textarea ref={area} readOnly rows={4} value={f.text} />
                </label>
                <div class="unsent-actions">
                  <button
                    type="button"
                    onClick={async () => setCopied((await copy(f.text, area)) ? f.field : null)}
                  >
                    {copied() === f.field ? 'Copied' : `Copy ${f.label}`}
                  </button>
                  <button
                    type="button"
                    disabled={done() || props.comments.locked() !== null}
                    title={props.comments.locked() ?? undefined}
                    onClick={() => post(f)}
                  >
                    {done() ? `${f.label} posted as a comment` : `Post ${f.label} as comment`}
                  </button>
                </div>
                <Show when={error()?.field === f.field}>
                  <p class="error small" role="alert">
                    {error()?.message}
                  </p>
                </Show>
              </div>
            )
          }}
        </For>
      </section>
    </Show>
  )
}
