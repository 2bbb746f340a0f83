/**
 * "Your unsent text": the editors' contents as this person had them when the task turned
 * read-only, each with a Copy button, so nothing they typed silently vanishes.
 */
import { createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { UnsentText } from '../stores/unsentText'

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

/** Shown only when there is something to offer; Dismiss hides it. */
export const UnsentTextPanel: Component<{ unsent: UnsentText }> = (props) => {
  const [copied, setCopied] = createSignal<string | null>(null)
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
          The task was finalized while you were editing. Changes that reached the server before
          that are in the record; anything after it was not kept. Here is what you had, so you can
          copy it (into a comment, or the next revision).
        </p>
        <For each={props.unsent.fields()}>
          {(f) => {
            let area: HTMLTextAreaElement | undefined
            return (
              <div class="unsent-field">
                <label>
                  {f.label}
                  <textarea ref={area} readOnly rows={4} value={f.text} />
                </label>
                <button
                  type="button"
                  onClick={async () => setCopied((await copy(f.text, area)) ? f.field : null)}
                >
                  {copied() === f.field ? 'Copied' : `Copy ${f.label}`}
                </button>
              </div>
            )
          }}
        </For>
      </section>
    </Show>
  )
}
