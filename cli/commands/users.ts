/** `codejury users add|list|remove|rotate`: accounts, their sign-in links and their tokens. */
import * as v from 'valibot'
import { CreateUserSchema, formatIssues } from '../../shared/validation'
import { ROLES } from '../../shared/types'
import type { Role, User } from '../../shared/types'
import { CliError, ExitCode } from '../cliError'
import { formatFields, formatTable } from '../format'
import type { Command, CommandContext } from '../types'

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
    const { data, status } = await ctx.api.json<CreatedUser & { error?: string }>(
      (r) => r.api.users.$post({ json: input.output }),
      { accept: [400] },
    )
    if (status === 400) throw new CliError(`the server refused the user: ${data.error ?? status}`)
    printCredentials(ctx, data)
    return ExitCode.ok
  },
}

/** Prints a user's new token and sign-in link: shown once, by `users add` and `users rotate`. */
function printCredentials(ctx: CommandContext, data: CreatedUser): void {
  const signinUrl = `${ctx.url}/signin/${encodeURIComponent(data.token)}`
  if (ctx.json) return ctx.out(JSON.stringify({ ...data, signinUrl }, null, 2))
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

/** `users list`: everyone with an account, as a table. */
export const usersList: Command = {
  words: ['users', 'list'],
  usage: 'codejury users list',
  summary: 'list users',
  help: 'Lists every user: id, name, role and when the account was created.',
  options: {},
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const { data } = await ctx.api.json<{ users: User[] }>((r) => r.api.users.$get())
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

/** Refuses an id that could not name a user before it reaches the server (or a URL path). */
function userIdArg(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new CliError(`"${id}" is not a user id (see codejury users list)`, ExitCode.usage)
  }
  return id
}

/** `users remove ID`: the account goes, its assignments with it, and its open sockets close. */
export const usersRemove: Command = {
  words: ['users', 'remove'],
  usage: 'codejury users remove ID',
  summary: 'remove a user; their token stops working and their open sessions close',
  help: [
    'Removes a user. They are taken off every task they were assigned to, their token stops',
    'working at once and their open workspaces close. What they wrote stays. A lead cannot',
    'remove themselves.',
    '',
    'Example:',
    '  codejury users remove ann_x1y2z3',
  ].join('\n'),
  options: {},
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const id = userIdArg(ctx.args[0])
    const { data, status } = await ctx.api.json<{ removed?: User; error?: string }>(
      (r) => r.api.users[':id'].$delete({ param: { id } }),
      { accept: [404, 409] },
    )
    if (status !== 200 || !data.removed) throw new CliError(`cannot remove ${id}: ${data.error ?? status}`)
    if (ctx.json) ctx.out(JSON.stringify(data, null, 2))
    else ctx.out(`removed ${data.removed.name} (${data.removed.id}, ${data.removed.role})`)
    return ExitCode.ok
  },
}

/** `users rotate ID`: a new token, shown once; the old one stops working everywhere. */
export const usersRotate: Command = {
  words: ['users', 'rotate'],
  usage: 'codejury users rotate ID',
  summary: "replace a user's token and print the new sign-in link",
  help: [
    "Gives a user a new token and prints it with its sign-in link, once. The old token stops",
    'working at once, over HTTP and in open workspaces, which close and ask to sign in again.',
    '',
    'Example:',
    '  codejury users rotate ann_x1y2z3',
  ].join('\n'),
  options: {},
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const id = userIdArg(ctx.args[0])
    const { data, status } = await ctx.api.json<CreatedUser & { error?: string }>(
      (r) => r.api.users[':id'].token.$post({ param: { id } }),
      { accept: [404] },
    )
    if (status !== 200) throw new CliError(`cannot rotate the token of ${id}: ${data.error ?? status}`)
    printCredentials(ctx, data)
    return ExitCode.ok
  },
}
