/** The signed-out screen: how to get a sign-in link, and a field to paste a token. */
import { createSignal } from 'solid-js'
import type { Component } from 'solid-js'
import { tokenFromInput } from '../../../shared/signinLink'

export const SignedOut: Component = () => {
  const [token, setToken] = createSignal('')
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    // People paste the whole link their lead sent, or only its token: both work.
    const t = tokenFromInput(token())
    // A full navigation to the link's page, which names the account; its button signs in.
    if (t) location.assign(`/signin/${encodeURIComponent(t)}`)
  }
  return (
    <section class="panel narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to codejury</h1>
      <p>You are not signed in. codejury uses personal sign-in links instead of passwords:</p>
      <ul>
        <li>
          Ask your lead for your link. It looks like <code>/signin/&lt;token&gt;</code>; paste
          the whole link or only the token below.
        </li>
        <li>
          Leads: the server prints sign-in links when it starts, and the first lead's token
          is in <code>DATA_DIR/lead-token</code>.
        </li>
      </ul>
      <form class="row" onSubmit={submit}>
        <label for="signin-token">Sign-in link or token</label>
        <input
          id="signin-token"
          type="password"
          autocomplete="off"
          value={token()}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={tokenFromInput(token()) === null}>
          Sign in
        </button>
      </form>
    </section>
  )
}
