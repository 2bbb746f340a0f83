/** Sign-in by link, sign-out, who am I, and the lead's list of sessions. */
import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import * as v from 'valibot'
import type { AppDeps, AppEnv } from '../env'
import { requireRole, SESSION_COOKIE } from '../middleware/session'
import { listSessions, revokeUserSessions, signIn } from '../services/sessions'
import { hashToken } from '../auth/tokens'
import { IdSchema } from '../../shared/validation'
import { tokenFromInput } from '../../shared/signinLink'
import { signinPage, SigninProblem } from './signinPage'

/**
 * `GET /signin?link=…`: the sign-in page's form. Takes a bare token or a whole pasted link and
 * goes on to `GET /signin/<token>`; with nothing usable it shows the page again (400).
 *
 * `GET /signin/:token`: exchanges the token for a new session and sets the HttpOnly cookie that
 * carries the session id (the token never goes into a cookie), then redirects to the queue. A
 * session this browser already had is ended, so re-opening the link does not pile sessions up.
 */
export function signinRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', (c) => {
      c.header('Cache-Control', 'no-store')
      c.header('Referrer-Policy', 'no-referrer')
      const token = tokenFromInput(c.req.query('link') ?? '')
      if (!token) return c.html(signinPage(SigninProblem.empty), 400)
      return c.redirect(`/signin/${encodeURIComponent(token)}`, 303)
    })
    .get('/:token', async (c) => {
      c.header('Cache-Control', 'no-store')
      c.header('Referrer-Policy', 'no-referrer')
      const started = await signIn(deps, c.req.param('token'))
      // A person followed this link: explain, and offer the form, never raw JSON (issue 13).
      if (!started) return c.html(signinPage(SigninProblem.invalid), 401)
      const previous = getCookie(c, SESSION_COOKIE)
      if (previous) await deps.sessions.revokeHash(hashToken(previous))
      setCookie(c, SESSION_COOKIE, started.sessionId, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure: new URL(c.req.url).protocol === 'https:',
        maxAge: Math.max(1, Math.floor(deps.config.sessionTtlMs / 1000)),
      })
      deps.log.info('signed in', { user: started.userId })
      return c.redirect('/', 302)
    })
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
