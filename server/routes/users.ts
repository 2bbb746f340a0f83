/** `/api/users`: the lead creates and lists users. */
import { Hono } from 'hono'
import { CreateUserSchema } from '../../shared/validation'
import type { AppDeps, AppEnv } from '../env'
import { requireRole } from '../middleware/session'
import { createUser, publicUser } from '../services/users'
import { jsonBody } from '../validate'

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
}
