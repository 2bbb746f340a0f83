/**
 * Same-origin checks: CSRF protection for cookie-authenticated state changes, and the Origin check
 * of WebSocket upgrades (csrf() does not cover upgrades, which are GETs).
 */
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import type { Context } from 'hono'
import type { SessionVariables } from './session'

export interface OriginOptions {
  /** Origins allowed besides the request's own host (PUBLIC_URL, ALLOWED_ORIGINS). */
  allowed: string[]
}

function ownOrigins(c: Context, allowed: string[]): string[] {
  const host = c.req.header('host')
  const own = host ? [`http://${host}`, `https://${host}`] : []
  return [...own, ...allowed]
}

/** True when the request's Origin is absent or one of ours. */
export function originAllowed(c: Context, allowed: string[]): boolean {
  const origin = c.req.header('origin')
  if (origin === undefined) return true
  return ownOrigins(c, allowed).includes(origin)
}

/**
 * True when a form POST comes from one of our own pages: its Origin, when sent, is ours, and its
 * Sec-Fetch-Site, when sent, is `same-origin`. A browser sends at least one of them with every
 * POST, so another site, a sandboxed frame (Origin `null`) or a same-site neighbour fails here.
 */
export function fromOwnPage(c: Context, allowed: string[]): boolean {
  const origin = c.req.header('origin')
  const site = c.req.header('sec-fetch-site')
  if (origin !== undefined && !ownOrigins(c, allowed).includes(origin)) return false
  if (site !== undefined && site !== 'same-origin') return false
  return true
}

/**
 * Cookie-authenticated POST/PUT/PATCH/DELETE must carry our Origin (or Sec-Fetch-Site:
 * same-origin). Bearer requests carry no ambient credential and pass.
 */
export function csrfForCookies(options: OriginOptions) {
  return createMiddleware<{ Variables: SessionVariables }>(async function csrfForCookies(c, next) {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)
    if (unsafe && c.get('authVia') === 'cookie') {
      const origin = c.req.header('origin')
      const site = c.req.header('sec-fetch-site')
      const ok = origin !== undefined ? ownOrigins(c, options.allowed).includes(origin) : site === 'same-origin'
      if (!ok) throw new HTTPException(403, { message: 'cross-site request refused (CSRF)' })
    }
    await next()
  })
}

/** Refuses a WebSocket upgrade whose Origin is another site; no Origin (a non-browser) passes. */
export function checkUpgradeOrigin(options: OriginOptions) {
  return createMiddleware(async function checkUpgradeOrigin(c, next) {
    if (!originAllowed(c, options.allowed)) {
      throw new HTTPException(403, { message: 'WebSocket from another origin refused' })
    }
    await next()
  })
}
