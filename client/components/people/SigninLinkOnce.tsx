/**
 * A sign-in link the server gave once (a new person, or a new link): shown here with a copy
 * button and a plain warning, and gone for good when dismissed. The server keeps only its hash.
 * It comes into view with the focus on its Copy button, so a link shown below the fold is not missed.
 */
import { createSignal, onMount, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { IssuedToken } from '../../api'

/** The address a person opens to sign in, as the CLI prints it. */
export function signinLinkOf(token: string): string {
  return `${location.origin}/signin/${encodeURIComponent(token)}`
}

export const SigninLinkOnce: Component<{ issued: IssuedToken; onDone: () => void }> = (props) => {
  const [copied, setCopied] = createSignal<'yes' | 'failed' | null>(null)
  let input: HTMLInputElement | undefined
  let panel: HTMLElement | undefined
  let copyButton: HTMLButtonElement | undefined
  onMount(() => {
    panel?.scrollIntoView({ block: 'center' })
    copyButton?.focus({ preventScroll: true })
  })
  const link = () => signinLinkOf(props.issued.token)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link())
      setCopied('yes')
    } catch {
      input?.select()
      setCopied('failed')
    }
  }
  return (
    <section ref={panel} class="panel signin-once" aria-labelledby="signin-once-title">
      <h2 id="signin-once-title">Sign-in link for {props.issued.name}</h2>
      <p class="warning">
        This link is shown only once and will not be shown again. Copy it now and send it to {props.issued.name}{' '}
        privately; anyone who has it can sign in as them. If it is lost, make a new link.
      </p>
      <div class="row">
        <input
          ref={input}
          class="signin-link"
          readOnly
          value={link()}
          aria-label={`Sign-in link for ${props.issued.name}`}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button ref={copyButton} type="button" onClick={() => void copy()}>
          Copy link
        </button>
        <button type="button" onClick={() => props.onDone()}>
          Done
        </button>
      </div>
      <Show when={copied()}>
        <p role="status" class="small">
          {copied() === 'yes' ? 'Copied.' : 'Copying was refused by the browser; the link is selected, copy it by hand.'}
        </p>
      </Show>
    </section>
  )
}
