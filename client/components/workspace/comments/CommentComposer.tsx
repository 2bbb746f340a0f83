/** A textarea for a new thread or a reply: Ctrl+Enter posts, Escape cancels, @Name mentions. */
import { createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { PresentUser } from '../../../../shared/types'

export const CommentComposer: Component<{
  /** The accessible name of the textarea ("New comment", "Reply"). */
  label: string
  submitLabel: string
  people: PresentUser[]
  /** Posts the text; throws (RangeError) with a message to show when it cannot. */
  onSubmit: (body: string) => void
  onCancel?: () => void
  ref?: (el: HTMLTextAreaElement) => void
  /** Read-only now (a finalized task): the text typed so far stays, posting waits. */
  disabled?: boolean
}> = (props) => {
  const [body, setBody] = createSignal('')
  const [error, setError] = createSignal('')
  let area!: HTMLTextAreaElement
  const submit = () => {
    if (props.disabled) return
    try {
      props.onSubmit(body())
      setBody('')
      setError('')
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }
  // Mentions without a popup: one click inserts "@Name " at the caret.
  const mention = (name: string) => {
    const at = area.selectionStart ?? body().length
    const text = `${body().slice(0, at)}@${name} ${body().slice(at)}`
    setBody(text)
    area.focus()
    area.setSelectionRange(at + name.length + 2, at + name.length + 2)
  }
  return (
    <form
      class="comment-composer"
      onSubmit={(e) => {
        e.preventDefault()
        submit()
      }}
    >
      <textarea
        ref={(el) => {
          area = el
          props.ref?.(el)
        }}
        aria-label={props.label}
        readOnly={props.disabled}
        aria-readonly={props.disabled ? 'true' : undefined}
        rows={2}
        value={body()}
        onInput={(e) => setBody(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault()
            submit()
          } else if (e.key === 'Escape' && props.onCancel) {
            e.preventDefault()
            props.onCancel()
          }
        }}
        placeholder="Markdown; @Name mentions someone on the task"
      />
      <Show when={error()}>
        <p class="error small" role="alert">
          {error()}
        </p>
      </Show>
      <div class="composer-row">
        <span class="mention-list small muted">
          <For each={props.people}>
            {(p) => (
              <button type="button" class="link" title={`Mention ${p.name}`} disabled={props.disabled} onClick={() => mention(p.name)}>
                @{p.name}
              </button>
            )}
          </For>
        </span>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>
            Cancel
          </button>
        </Show>
        <button type="submit" class="primary" disabled={props.disabled}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  )
}
