/** Sign-in by link (a page, then a confirmed POST), sign-out, who am I, and the lead's sessions. */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import * as v from 'valibot'
import type { AppDeps, AppEnv } from '../env'
import { requireRole, SESSION_COOKIE } from '../middleware/session'
import { fromOwnPage } from '../middleware/origin'
import { listSessions, revokeUserSessions, signIn } from '../services/sessions'
import { userForToken } from '../services/users'
import { hashToken } from '../auth/tokens'
import { IdSchema } from '../../shared/validation'
import { tokenFromInput } from '../../shared/signinLink'
import { CONFIRM_REFERRER_POLICY, confirmPage, signinPage, SigninProblem } from './signinPage'

/** The browser's anti-forgery cookie for the sign-in form; SameSite=Strict, so no other site sends it. */
export const SIGNIN_NONCE_COOKIE = 'cj_signin'
const NONCE_RE = /^[A-Za-z0-9_-]{43}$/
/** How long a sign-in page may stay open before its button must be fetched again. */
const NONCE_MAX_AGE_S = 60 * 60
/** A sign-in form holds one short field; anything larger is not ours. */
const MAX_SIGNIN_FORM_BYTES = 4 * 1024

function noStore(c: Context): void {
  c.header('Cache-Control', 'no-store')
  c.header('Referrer-Policy', 'no-referrer')
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * `GET /signin?link=…`: the failure page's form. Takes a bare token or a whole pasted link and
 * goes on to `GET /signin/<token>`; with nothing usable it shows the page again (400).
 *
 * `GET /signin/:token`: signs nobody in. It shows a page naming the account, with a button that
 * POSTs back to the same address (asking first when the browser is signed in as someone else).
 * So an `<img>`, a frame, a prefetch or a link on another site that loads the address changes
 * nothing.
 *
 * `POST /signin/:token`: the button. Only a POST from our own page counts: its Origin and
 * Sec-Fetch-Site, when sent, must be ours, and its `nonce` field must equal this browser's
 * SameSite=Strict `cj_signin` cookie, which no other site can read or make the browser send. It
 * then exchanges the token for a new session and sets the HttpOnly cookie that carries the session
 * id (the token never goes into a cookie), ends the session the browser had, and goes to the queue.
 */
export function signinRoutes(deps: AppDeps) {
  const allowed = [...deps.config.allowedOrigins, ...(deps.config.publicUrl ? [deps.config.publicUrl] : [])]
  const secure = (c: Context) => new URL(c.req.url).protocol === 'https:'
  return new Hono<AppEnv>()
    .get('/', (c) => {
      noStore(c)
      const token = tokenFromInput(c.req.query('link') ?? '')
      if (!token) return c.html(signinPage(SigninProblem.empty), 400)
      return c.redirect(`/signin/${encodeURIComponent(token)}`, 303)
    })
    .get('/:token', (c) => {
      noStore(c)
      const account = userForToken(deps.db, c.req.param('token'))
      // A person followed this link: explain, and offer the form, never raw JSON.
      if (!account) return c.html(signinPage(SigninProblem.invalid), 401)
      const current = c.get('authVia') === 'cookie' ? c.get('user') : null
      const kept = getCookie(c, SIGNIN_NONCE_COOKIE)
      // Reused while valid, so two sign-in pages open in two tabs both work.
      const nonce = kept && NONCE_RE.test(kept) ? kept : randomBytes(32).toString('base64url')
      setCookie(c, SIGNIN_NONCE_COOKIE, nonce, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/signin',
        secure: secure(c),
        maxAge: NONCE_MAX_AGE_S,
      })
      c.header('Referrer-Policy', CONFIRM_REFERRER_POLICY)
      const view = (u: { name: string; role: string }) => ({ name: u.name, role: u.role })
      return c.html(confirmPage({ account: view(account), current: current ? view(current) : null, same: current?.id === account.id, nonce }))
    })
    .post(
      '/:token',
      bodyLimit({ maxSize: MAX_SIGNIN_FORM_BYTES, onError: (c) => c.html(signinPage(SigninProblem.unconfirmed), 413) }),
      async (c) => {
        noStore(c)
        const cookieNonce = getCookie(c, SIGNIN_NONCE_COOKIE) ?? ''
        let formNonce = ''
        try {
          const form = await c.req.parseBody()
          if (typeof form.nonce === 'string') formNonce = form.nonce
        } catch {
          // not a form: treated as a missing nonce below
        }
        const confirmed = fromOwnPage(c, allowed) && NONCE_RE.test(cookieNonce) && sameSecret(cookieNonce, formNonce)
        if (!confirmed) {
          deps.log.warn('refused a sign-in that did not come from our sign-in page', {
            origin: c.req.header('origin') ?? null,
            site: c.req.header('sec-fetch-site') ?? null,
          })
          return c.html(signinPage(SigninProblem.unconfirmed), 403)
        }
        const started = await signIn(deps, c.req.param('token'))
        if (!started) return c.html(signinPage(SigninProblem.invalid), 401)
        const previous = getCookie(c, SESSION_COOKIE)
        if (previous) await deps.sessions.revokeHash(hashToken(previous))
        setCookie(c, SESSION_COOKIE, started.sessionId, {
          httpOnly: true,
          sameSite: 'Lax',
          path: '/',
          secure: secure(c),
          maxAge: Math.max(1, Math.floor(deps.config.sessionTtlMs / 1000)),
        })
        deleteCookie(c, SIGNIN_NONCE_COOKIE, { path: '/signin', secure: secure(c) })
        // noStore's no-referrer also applies to the redirect: the queue never sees this address.
        deps.log.info('signed in', { user: started.userId })
        return c.redirect('/', 303)
      },
    )
}

/** `/api/me` and `/api/signout`: sign-out ends the session on the server, not only the cookie. */
export function meRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/me', requireRole(), (c) => {
      const u = c.get('user')!
      return c.json({ id: u.id, name: u.name, role: u.role, color: u.color })
    })
    .post('/signout', async (c) => {
      const hash = c.get('sessionHash')
      if (hash) await deps.sessions.revokeHash(hash)
      deleteCookie(c, SESSION_COOKIE, { path: '/' })
      return c.json({ ok: true, ended: hash !== null })
    })
}

/**
 * `/api/sessions` (lead): list live sessions, revoke one by its public id, or all of a user's
 * with `?user=ID`. Sessions are shown by a prefix of their hash, never by anything that signs in.
 */
export function sessionsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireRole('lead'))
    .get('/', (c) => c.json({ sessions: listSessions(deps) }))
    .delete('/', async (c) => {
      const user = v.safeParse(IdSchema, c.req.query('user') ?? '')
      if (!user.success) throw new HTTPException(400, { message: 'say whose sessions to end: ?user=ID' })
      const revoked = await revokeUserSessions(deps, user.output)
      deps.log.info('sessions revoked', { user: user.output, count: revoked, by: c.get('user')!.id })
      return c.json({ revoked })
    })
    .delete('/:id', async (c) => {
      const id = c.req.param('id')
      if (!/^[0-9a-f]{16,64}$/.test(id)) throw new HTTPException(400, { message: 'a session id is 16–64 hex digits' })
      const session = await deps.sessions.revokeById(id)
      if (!session) throw new HTTPException(404, { message: `no session ${id}` })
      deps.log.info('session revoked', { user: session.userId, by: c.get('user')!.id })
      return c.json({ revoked: 1, userId: session.userId })
    })
}
