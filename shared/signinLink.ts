/** Sign-in links: reading the token out of whatever a person pastes (a token or a whole link). */

/**
 * The token inside `input`, which may be the bare token or a whole sign-in link
 * (`https://host/signin/<token>`, with or without a query or trailing slash); null when nothing
 * usable is left. People paste what their lead sent them, which is usually the link.
 */
export function tokenFromInput(input: string): string | null {
  const text = input.trim()
  if (!text) return null
  const at = text.lastIndexOf('/signin/')
  let token = at >= 0 ? text.slice(at + '/signin/'.length) : text
  token = token.replace(/[?#].*$/, '').replace(/\/+$/, '')
  try {
    token = decodeURIComponent(token)
  } catch {
    return null
  }
  token = token.trim()
  return token && !/[\s/]/.test(token) ? token : null
}
