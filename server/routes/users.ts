/** `/api/users`: the lead creates, lists, removes users, rotates their tokens and changes roles. */
import { Hono } from 'hono'
import * as v from 'valibot'
import { HTTPException } from 'hono/http-exception'
import { CreateUserSchema } from '../../shared/validation'
import { ID_RE } from '../../shared/roomNames'
import { ROLES } from '../../shared/types'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { changeRole, createUser, publicUser, removeUser, rotateToken } from '../services/users'
import { jsonBody } from '../validate'

const ChangeUserSchema = v.strictObject({
  role: v.picklist(ROLES, `must be one of ${ROLES.join(', ')}`),
})

function userId(id: string): string {
  if (!ID_RE.test(id)) throw new HTTPException(404, { message: `no user "${id.slice(0, 64)}"` })
  return id
}

export function usersRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireRole('lead'))
    .post('/', jsonBody(CreateUserSchema), async (c) => {
      const { name, role } = c.req.valid('json')
      const { user, token } = await createUser(deps.db, name, role)
      deps.log.info('user created', { id: user.id, role, by: c.get('user')?.id })
      return c.json({ id: user.id, name: user.name, role: user.role, color: user.color, token }, 201)
    })
    .get('/', (c) => c.json({ users: deps.db.users.map(publicUser) }))
    .delete('/:id', async (c) => {
      const by = c.get('user')!.id
      const user = await removeUser(deps, userId(c.req.param('id')), by)
      deps.log.info('user removed', { id: user.id, by })
      return c.json({ removed: user })
    })
    .post('/:id/token', async (c) => {
      const by = c.get('user')!.id
      const { user, token } = await rotateToken(deps, userId(c.req.param('id')))
      deps.log.info('token rotated', { id: user.id, by })
      return c.json({ id: user.id, name: user.name, role: user.role, color: user.color, token })
    })
    .patch('/:id', jsonBody(ChangeUserSchema), async (c) => {
      const by = c.get('user')!.id
      const user = await changeRole(deps, userId(c.req.param('id')), c.req.valid('json').role, by)
      deps.log.info('role changed', { id: user.id, role: user.role, by })
      return c.json(user)
    })
}
