/** `codejury users add|list`: creates accounts and prints their sign-in links. */
import * as v from 'valibot'
import { CreateUserSchema, formatIssues } from '../../../shared/validation'
import { ROLES } from '../../../shared/types'
import type { Role, User } from '../../../shared/types'
import { CliError, ExitCode } from '../cliError'
import { formatFields, formatTable } from '../format'
import type { Command } from '../types'

interface CreatedUser {
  id: string
  name: string
  role: Role
  token: string
}

/** `users add NAME [--role R]`: the token is shown once, here, and never again. */
export const usersAdd: Command = {
  words: ['users', 'add'],
  usage: 'codejury users add NAME [--role annotator|lead|reviewer]',
  summary: 'create a user and print their token and sign-in link',
  help: [
    'Creates a user and prints their id, role, token and sign-in link. The token is shown only',
    'once: send the link to the person, who opens it to sign in.',
    '',
    'Options:',
    `  --role ROLE   ${ROLES.join(', ')} (default: annotator)`,
    '',
    'Example:',
    '  codejury users add "Ada Lovelace" --role reviewer',
  ].join('\n'),
  options: { role: { type: 'string', short: 'r' } },
  positionals: { min: 1, max: Infinity },
  async run(ctx) {
    const input = v.safeParse(CreateUserSchema, {
      name: ctx.args.join(' '),
      role: ctx.values.role ?? 'annotator',
    })
    if (!input.success) {
      throw new CliError(formatIssues(input.issues).join('; '), ExitCode.usage)
    }
    const { data, status } = await ctx.api.request<CreatedUser & { error?: string }>(
      'POST',
      '/api/users',
      { json: input.output, accept: [400] },
    )
    if (status === 400) throw new CliError(`the server refused the user: ${data.error ?? status}`)
    const signinUrl = `${ctx.url}/signin/${encodeURIComponent(data.token)}`
    if (ctx.json) {
      ctx.out(JSON.stringify({ ...data, signinUrl }, null, 2))
    } else {
      ctx.out(
        formatFields([
          ['id', data.id],
          ['name', data.name],
          ['role', data.role],
          ['token', data.token],
          ['sign-in', signinUrl],
        ]),
      )
    }
    return ExitCode.ok
  },
}

/** `users list`: everyone with an account, as a table. */
export const usersList: Command = {
  words: ['users', 'list'],
  usage: 'codejury users list',
  summary: 'list users',
  help: 'Lists every user: id, name, role and when the account was created.',
  options: {},
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const { data } = await ctx.api.request<{ users: User[] }>('GET', '/api/users')
    const users = Array.isArray(data.users) ? data.users : []
    if (ctx.json) {
      ctx.out(JSON.stringify({ users }, null, 2))
    } else if (users.length === 0) {
      ctx.out('no users')
    } else {
      ctx.out(
        formatTable(
          ['ID', 'NAME', 'ROLE', 'CREATED'],
          users.map((u) => [u.id, u.name, u.role, u.createdAt]),
        ),
      )
    }
    return ExitCode.ok
  },
}
