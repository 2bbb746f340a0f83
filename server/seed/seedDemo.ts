/** The demo a new user sees on `npm start`: a realistic batch, two annotators and a reviewer. */
import type { AppDeps } from '../env'
import { createUser } from '../services/users'
import { assignTask, importTasks } from '../services/tasks'
import { saveDemoLinks } from '../bootstrap'
import type { SignInLink } from '../bootstrap'
import { DEMO_BATCH, DEMO_TASKS } from './demoTasks'
import { DEFAULT_RUN_TIMEOUT_MS } from '../../shared/types'

const DEMO_USERS = [
  { name: 'Ada', role: 'annotator' },
  { name: 'Grace', role: 'annotator' },
  { name: 'Linus', role: 'reviewer' },
] as const

export async function seedDemo(deps: Pick<AppDeps, 'db' | 'rooms' | 'storage' | 'config'>): Promise<void> {
  const now = new Date().toISOString()
  await deps.db.putBatch({
    name: DEMO_BATCH.name,
    mode: 'collaborative',
    guidelines: DEMO_BATCH.guidelines,
    rubric: DEMO_BATCH.rubric,
    blind: false,
    run_timeout_ms: DEFAULT_RUN_TIMEOUT_MS,
    createdAt: now,
    updatedAt: now,
  })
  const links: SignInLink[] = []
  const annotators: string[] = []
  for (const u of DEMO_USERS) {
    const { user, token } = await createUser(deps.db, u.name, u.role)
    links.push({ id: user.id, name: u.name, role: u.role, token })
    if (u.role === 'annotator') annotators.push(user.id)
  }
  const jsonl = DEMO_TASKS.map((t) => JSON.stringify(t)).join('\n')
  const result = await importTasks(deps, DEMO_BATCH.name, jsonl)
  if (!result.ok) throw new Error(`demo tasks do not validate: ${JSON.stringify(result.errors)}`)
  for (const id of result.ids) await assignTask(deps, id, annotators)
  saveDemoLinks(deps.db.dir, links)
}
