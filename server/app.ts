/** The Hono app: middleware first, then the API, sign-in, WebSocket and the client's files. */
import fs from 'node:fs'
import path from 'node:path'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import { bodyLimit } from 'hono/body-limit'
import { serveStatic } from '@hono/node-server/serve-static'
import { CodejuryError } from '../shared/errors'
import { StorageError } from './storage/storageError'
import type { AppDeps, AppEnv } from './env'
import { checkUpgradeOrigin, csrfForCookies } from './middleware/origin'
import { session } from './middleware/session'
import { meRoutes, sessionsRoutes, signinRoutes } from './routes/session'
import { usersRoutes } from './routes/users'
import { tasksRoutes, MAX_IMPORT_BYTES, IMPORT_TOO_LARGE } from './routes/tasks'
import { batchesRoutes } from './routes/batches'
import { healthRoutes } from './routes/health'
import { eventsRoutes } from './routes/events'
import { nextRoutes } from './routes/next'
import { peopleRoutes } from './routes/people'
import { workflowRoutes } from './routes/workflow'
import { exportRoutes } from './routes/export'
import { recordKeyRoutes } from './routes/recordKey'
import { timesheetRoutes } from './routes/timesheet'
import { activeTimeRoutes } from './routes/activeTime'
import { ballotRoutes } from './routes/ballots'
import { runsRoutes } from './routes/runs'
import { sandboxStatusRoutes, serverRunsRoutes } from './routes/serverRuns'
import { statsRoutes } from './routes/stats'
import { wsRoutes } from './ws'
import { runnerHeaders, runnerRoutes } from './routes/runner'

const STATUS_OF_REASON = {
  'bad-input': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  locked: 423,
} as const

/**
 * Content-Security-Policy: our own scripts only, no inline scripts, no eval (wasm included: the
 * test runtimes run only inside the sandbox frame at /runner/frame.html, which `frame-src 'self'`
 * admits and which has its own policy, server/routes/runner.ts). `connect-src
 * 'self'` covers our own WebSocket too (CSP Level 3 matches ws:/wss: on the page's host under
 * 'self'), so a script that got in anyway cannot open a socket to another host.
 */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  frameSrc: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
}

const limitBody = bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: (c) => c.json({ error: IMPORT_TOO_LARGE }, 413) })

export function createApp(deps: AppDeps) {
  const allowed = [...deps.config.allowedOrigins, ...(deps.config.publicUrl ? [deps.config.publicUrl] : [])]
  const app = new Hono<AppEnv>()
    // The sandbox frame's files need their own headers, set after (so over) secureHeaders.
    .use('/runner/*', runnerHeaders(deps))
    // No page of ours is framed by another (the sign-in page above all); the runner's frame
    // replaces this for its own files.
    .use(secureHeaders({ contentSecurityPolicy: CSP, crossOriginEmbedderPolicy: false, xFrameOptions: 'DENY' }))
    .use(session({ db: deps.db, sessions: deps.sessions }))
    .use('/api/*', csrfForCookies({ allowed }))
    // Every body is limited; the import route counts its own bytes as it streams them (a limit
    // here would buffer a chunked body whole before the route could read it line by line).
    .use('/api/*', (c, next) => (c.req.path === '/api/tasks/import' ? next() : limitBody(c, next)))
    .use('/ws/*', checkUpgradeOrigin({ allowed }))
    .route('/api', healthRoutes(deps))
    .route('/api', sandboxStatusRoutes(deps))
    .route('/api', meRoutes(deps))
    .route('/api/sessions', sessionsRoutes(deps))
    .route('/api/users', usersRoutes(deps))
    .route('/api/batches', batchesRoutes(deps))
    .route('/api/tasks', tasksRoutes(deps))
    .route('/api/tasks', peopleRoutes(deps))
    .route('/api/tasks', workflowRoutes(deps))
    .route('/api/tasks', ballotRoutes(deps))
    .route('/api/tasks', runsRoutes(deps))
    .route('/api/tasks', serverRunsRoutes(deps))
    .route('/api/stats', statsRoutes(deps))
    .route('/api/export', exportRoutes(deps))
    .route('/api/records', recordKeyRoutes(deps))
    .route('/api/timesheet', timesheetRoutes(deps))
    .route('/api/active-time', activeTimeRoutes(deps))
    .route('/api/events', eventsRoutes(deps))
    .route('/api/next', nextRoutes(deps))
    .route('/signin', signinRoutes(deps))
    .route('/ws', wsRoutes(deps))
    .route('/runner', runnerRoutes(deps))

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404)
    return c.text('not found', 404)
  })
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      if (err.res) return err.res
      return c.json({ error: err.message }, err.status)
    }
    if (err instanceof CodejuryError) return c.json({ error: err.message }, STATUS_OF_REASON[err.reason])
    if (err instanceof StorageError) {
      // A failed write changed nothing, in memory or on disk; a full disk is 507 and heals.
      deps.log.error('a write failed; nothing was changed', err, { path: c.req.path, code: err.code })
      return c.json({ error: err.message }, err.full ? 507 : 500)
    }
    deps.log.error('unhandled error in a route', err, { path: c.req.path })
    return c.json({ error: 'internal error' }, 500)
  })
  mountClient(app, deps.config.clientDir)
  return app
}

/** Serves the built client with a fallback to index.html for the client's own routes. */
function mountClient(app: Hono<AppEnv>, clientDir: string): void {
  const index = path.join(clientDir, 'index.html')
  const root = path.relative(process.cwd(), clientDir) || '.'
  if (fs.existsSync(clientDir)) {
    app.use('/assets/*', serveStatic({ root, onFound: (_p, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable') }))
    app.use('*', serveStatic({ root }))
  }
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/ws/')) return c.notFound()
    if (!fs.existsSync(index)) {
      return c.text('The client is not built yet: run `npm run build` (npm start does it for you).', 503)
    }
    c.header('Cache-Control', 'no-cache')
    return c.html(fs.readFileSync(index, 'utf8'))
  })
}

export type AppType = ReturnType<typeof createApp>
