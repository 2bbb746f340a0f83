/** The HTML pages of sign-in by link: the confirmation that names the account, and the failures. */

/** Why a failure page is shown, in words a person who clicked a link can act on. */
export const SigninProblem = {
  invalid: 'invalid',
  empty: 'empty',
  unconfirmed: 'unconfirmed',
} as const
export type SigninProblem = (typeof SigninProblem)[keyof typeof SigninProblem]

const MESSAGES: Record<SigninProblem, { title: string; body: string }> = {
  invalid: {
    title: 'This sign-in link does not work',
    body:
      'It may have been replaced by a newer link (your lead can issue a new one, which ends the ' +
      'old one), the account may have been removed, or the link was copied only in part.',
  },
  empty: {
    title: 'Paste your sign-in link',
    body: 'The form was sent empty, or what was pasted holds no sign-in token.',
  },
  unconfirmed: {
    title: 'Nobody was signed in',
    body:
      'A sign-in only happens from the button on this site’s own sign-in page. This request came ' +
      'from somewhere else (another site, a frame, or a page that had expired), so it was refused.',
  },
}

// No script and no inline style attribute: the page is served under the app's CSP (script-src 'self').
const STYLE = `
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;background:#f6f7f9}
main{max-width:38rem;margin:3rem auto;padding:1.5rem 1.75rem;background:#fff;border:1px solid #d5d9e0;border-radius:6px}
h1{font-size:1.35rem;margin:0 0 .75rem}
p{margin:0 0 .75rem}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:1rem}
label{font-weight:600}
input{flex:1 1 16rem;font:inherit;padding:.35rem .5rem;border:1px solid #5c6474;border-radius:6px}
button{font:inherit;padding:.35rem .9rem;border:1px solid #2f5fd0;border-radius:6px;background:#2f5fd0;color:#fff}
:focus-visible{outline:2px solid #2f5fd0;outline-offset:2px}
.muted{color:#4f5766}
`

/** Escapes text for HTML content and double-quoted attributes: user names are typed by people. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/**
 * The confirmation page's referrer policy. `no-referrer` would make Chromium send `Origin: null`
 * with the form's POST, which cannot be told from a sandboxed frame's; `same-origin` sends our
 * origin to ourselves and nothing (so never the token in the address) to anyone else.
 */
export const CONFIRM_REFERRER_POLICY = 'same-origin'

function page(title: string, body: string, referrer = 'no-referrer'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="${referrer}">
<title>${title} · codejury</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`
}

/**
 * The page for a sign-in that failed. The form sends `GET /signin?link=…`, which accepts a bare
 * token or a whole pasted link (shared/signinLink.ts). Only fixed text goes into the page: the
 * token that failed is never echoed back.
 */
export function signinPage(problem: SigninProblem): string {
  const m = MESSAGES[problem]
  return page(
    'Sign in',
    `<h1>${m.title}</h1>
<p>${m.body}</p>
<p class="muted">codejury signs people in with personal links instead of passwords. Ask your lead
for a new link, then paste the whole link (or only the token at its end) here.</p>
<form method="get" action="/signin">
<label for="signin-link">Sign-in link or token</label>
<input id="signin-link" name="link" type="password" autocomplete="off" required>
<button type="submit">Sign in</button>
</form>`,
  )
}

/** A person as the confirmation page names them. */
export interface SigninAccount {
  name: string
  role: string
}

export interface ConfirmPageOptions {
  /** The account the link signs in as. */
  account: SigninAccount
  /** Who this browser is signed in as now, if anyone. */
  current: SigninAccount | null
  /** Whether `current` is the link's own account. */
  same: boolean
  /** The form's anti-forgery value; the same value is in this browser's `cj_signin` cookie. */
  nonce: string
}

/**
 * The page `GET /signin/<token>` shows: it names the account and signs in only when its button is
 * pressed (a POST back to the same address, so the token is never written into the page). A
 * browser already signed in as someone else is asked before it is switched; one signed in as the
 * same person is offered the way in.
 */
export function confirmPage({ account, current, same, nonce }: ConfirmPageOptions): string {
  const who = `<strong>${escapeHtml(account.name)}</strong> (${escapeHtml(account.role)})`
  if (current && same) {
    return page(
      'Signed in',
      `<h1>You are already signed in as ${escapeHtml(account.name)}</h1>
<p>This browser is signed in as ${who}. Nothing changes.</p>
<p><a href="/">Continue to your tasks</a></p>`,
    )
  }
  const form = (label: string) => `<form method="post">
<input type="hidden" name="nonce" value="${escapeHtml(nonce)}">
<button type="submit">${label}</button>
</form>`
  if (current) {
    return page(
      'Switch account',
      `<h1>You are signed in as ${escapeHtml(current.name)} — switch to ${escapeHtml(account.name)}?</h1>
<p>This link signs this browser in as ${who}, ending the session of
<strong>${escapeHtml(current.name)}</strong> (${escapeHtml(current.role)}) here. If you did not
expect a link to switch your account, keep the one you have.</p>
${form(`Switch to ${escapeHtml(account.name)}`)}
<p><a href="/">Stay signed in as ${escapeHtml(current.name)}</a></p>`,
      CONFIRM_REFERRER_POLICY,
    )
  }
  return page(
    'Sign in',
    `<h1>Sign in as ${escapeHtml(account.name)}?</h1>
<p>This link signs this browser in as ${who}.</p>
${form(`Sign in as ${escapeHtml(account.name)}`)}
<p class="muted">Not you? Close this page; nothing happens until the button is pressed.</p>`,
    CONFIRM_REFERRER_POLICY,
  )
}
