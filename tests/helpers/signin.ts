/** Signing in as a browser does, from Node: open the link's page, then press its button (a POST). */

/** What the sign-in page handed out: its form's nonce and the matching `cj_signin` cookie. */
export interface SigninForm {
  status: number
  html: string
  nonce: string | null
  /** `cj_signin=…`, to send back with the POST. */
  nonceCookie: string | null
}

function cookiePair(res: Response, name: string): string | null {
  const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
  return line ? line.split(';')[0] : null
}

/** `GET /signin/<token>` with `cookie` (the browser's session, if any). */
export async function openSigninPage(url: string, token: string, cookie?: string): Promise<SigninForm> {
  const res = await fetch(`${url}/signin/${encodeURIComponent(token)}`, { redirect: 'manual', headers: cookie ? { cookie } : {} })
  const html = await res.text()
  return {
    status: res.status,
    html,
    nonce: /name="nonce" value="([^"]+)"/.exec(html)?.[1] ?? null,
    nonceCookie: cookiePair(res, 'cj_signin'),
  }
}

/**
 * Presses the page's button: `POST /signin/<token>` from our own origin with the form's nonce and
 * its cookie, plus `cookie` (the browser's session). Returns the response and the new session
 * cookie (`cj_session=…`), if one was set.
 */
export async function confirmSignin(
  url: string,
  token: string,
  form: SigninForm,
  options: { cookie?: string; origin?: string | null; site?: string } = {},
): Promise<{ res: Response; session: string | null }> {
  const cookies = [form.nonceCookie, options.cookie].filter(Boolean).join('; ')
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (cookies) headers.cookie = cookies
  if (options.origin !== null) headers.origin = options.origin ?? url
  if (options.site) headers['sec-fetch-site'] = options.site
  const res = await fetch(`${url}/signin/${encodeURIComponent(token)}`, {
    method: 'POST',
    redirect: 'manual',
    headers,
    body: new URLSearchParams({ nonce: form.nonce ?? '' }).toString(),
  })
  return { res, session: cookiePair(res, 'cj_session') }
}

/**
 * Signs `token` in as a person does (open the link, press the button) and returns the session
 * cookie `cj_session=…`. `cookie` is the session the browser already had, if any. Throws when the
 * sign-in does not end in the redirect to the queue.
 */
export async function signInWithLink(url: string, token: string, cookie?: string): Promise<string> {
  const form = await openSigninPage(url, token, cookie)
  if (form.status !== 200 || !form.nonce) throw new Error(`the sign-in page answered ${form.status}`)
  const { res, session } = await confirmSignin(url, token, form, { cookie })
  if (res.status !== 303 || res.headers.get('location') !== '/' || !session) {
    throw new Error(`the sign-in POST answered ${res.status} ${res.headers.get('location')}`)
  }
  return session
}
