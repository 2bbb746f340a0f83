/** `codejury sessions list|revoke`: who is signed in where, and ending a session from the shell. */
import { CliError, ExitCode } from '../cliError'
import { formatTable } from '../format'
import type { Command } from '../types'

/** One row of `GET /api/sessions`. */
interface SessionRow {
  id: string
  userId: string
  userName: string | null
  role: string | null
  createdAt: string
  lastUsedAt: string
  expiresAt: string
}

/** `sessions list`: every live browser session, most recently used first. */
export const sessionsList: Command = {
  words: ['sessions', 'list'],
  usage: 'codejury sessions list',
  summary: 'list signed-in browser sessions',
  help: [
    'Lists every live sign-in session: its id (a prefix of its hash, not a secret), the user,',
    'when it was created and last used, and when it expires.',
  ].join('\n'),
  options: {},
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const { data } = await ctx.api.json<{ sessions: SessionRow[] }>((r) => r.api.sessions.$get())
    const sessions = Array.isArray(data.sessions) ? data.sessions : []
    if (ctx.json) ctx.out(JSON.stringify({ sessions }, null, 2))
    else if (sessions.length === 0) ctx.out('no sessions')
    else {
      ctx.out(
        formatTable(
          ['ID', 'USER', 'NAME', 'CREATED', 'LAST USED', 'EXPIRES'],
          sessions.map((s) => [s.id, s.userId, s.userName ?? '(deleted)', s.createdAt, s.lastUsedAt, s.expiresAt]),
        ),
      )
    }
    return ExitCode.ok
  },
}

/** `sessions revoke ID` or `sessions revoke --user USER`: the browser is signed out at once. */
export const sessionsRevoke: Command = {
  words: ['sessions', 'revoke'],
  usage: 'codejury sessions revoke ID | --user USER_ID',
  summary: 'end one session, or every session of a user',
  help: [
    'Ends a sign-in session on the server: the browser holding it is signed out and must use',
    'its sign-in link again. ID is from `codejury sessions list`.',
    '',
    'Options:',
    "  --user USER_ID  end every session of this user instead",
  ].join('\n'),
  options: { user: { type: 'string', short: 'u' } },
  positionals: { min: 0, max: 1 },
  async run(ctx) {
    const user = ctx.values.user
    const id = ctx.args[0]
    if ((typeof user === 'string') === (id !== undefined)) {
      throw new CliError('give a session ID or --user USER_ID, not both', ExitCode.usage, `usage: ${sessionsRevoke.usage}`)
    }
    const { status, data } = await ctx.api.json<{ revoked?: number; error?: string }>(
      (r) =>
        typeof user === 'string'
          ? r.api.sessions.$delete({ query: { user } })
          : r.api.sessions[':id'].$delete({ param: { id: encodeURIComponent(id!) } }),
      { accept: [400, 404] },
    )
    if (status !== 200) throw new CliError(data.error ?? `the server answered ${status}`)
    const n = data.revoked ?? 0
    ctx.out(ctx.json ? JSON.stringify(data, null, 2) : `revoked ${n} session${n === 1 ? '' : 's'}`)
    return ExitCode.ok
  },
}
