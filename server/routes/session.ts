/** Sign-in by link, sign-out, and who am I. */
import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps, AppEnv } from '../env'
import { requireRole, SESSION_COOKIE } from '../middleware/session'
import { userForToken } from '../services/users'

const SESSION_MAX_AGE_S = 60 * 60 * 24 * 30

/** `GET /signin/:token`: sets the HttpOnly session cookie and redirects to the queue. */
export function signinRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get('/:token', (c) => {
    const token = c.req.param('token')
    const user = userForToken(deps.db, token)
    if (!user) throw new HTTPException(401, { message: 'this sign-in link is not valid' })
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: SESSION_MAX_AGE_S,
    })
    c.header('Cache-Control', 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
    return c.redirect('/', 302)
  })
}

/** `/api/me` and `/api/signout`. */
export function meRoutes() {
  return new Hono<AppEnv>()
    .get('/me', requireRole(), (c) => {
      const u = c.get('user')!
      return c.json({ id: u.id, name: u.name, role: u.role, color: u.color })
    })
    .post('/signout', (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/' })
      return c.json({ ok: true })
    })
}
