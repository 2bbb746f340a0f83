/** The HTML page a browser gets when a sign-in link does not work: what happened, and the form. */

/** Why the page is shown, in words a person who clicked a link can act on. */
export const SigninProblem = {
  invalid: 'invalid',
  empty: 'empty',
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
}

// No script and no inline style: the page is served under the app's CSP (script-src 'self').
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

/**
 * The page for a sign-in that failed. The form sends `GET /signin?link=…`, which accepts a bare
 * token or a whole pasted link (shared/signinLink.ts). Only fixed text goes into the page: the
 * token that failed is never echoed back.
 */
export function signinPage(problem: SigninProblem): string {
  const m = MESSAGES[problem]
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sign in · codejury</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${m.title}</h1>
<p>${m.body}</p>
<p class="muted">codejury signs people in with personal links instead of passwords. Ask your lead
for a new link, then paste the whole link (or only the token at its end) here.</p>
<form method="get" action="/signin">
<label for="signin-link">Sign-in link or token</label>
<input id="signin-link" name="link" type="password" autocomplete="off" required>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>`
}
