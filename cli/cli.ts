/** The `codejury` command: parses arguments and runs one command against a running server. */
import { parseArgs } from 'node:util'
import { createApiClient } from './apiClient'
import { CliError, ExitCode } from './cliError'
import { resolveToken, resolveUrl } from './config'
import { exportRecords } from './commands/exportRecords'
import { importTasks } from './commands/importTasks'
import { status } from './commands/status'
import { sessionsList, sessionsRevoke } from './commands/sessions'
import { usersAdd, usersList, usersRemove, usersRotate } from './commands/users'
import { finalize, reopen, requestChanges, submit } from './commands/workflow'
import { verify } from './commands/verify'
import { storageCopy } from './commands/storageCopy'
import type { CliIO, Command, OptionSpecs } from './types'

export type { CliIO } from './types'

/** Options every command accepts, wherever they appear on the line. */
const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies OptionSpecs

const COMMANDS: Command[] = [
  usersAdd,
  usersList,
  usersRemove,
  usersRotate,
  importTasks,
  submit,
  requestChanges,
  finalize,
  reopen,
  exportRecords,
  verify,
  status,
  sessionsList,
  sessionsRevoke,
  storageCopy,
]

const GLOBAL_HELP = [
  'Global options:',
  '  --url URL      the server (default: $CODEJURY_URL, else http://127.0.0.1:${PORT:-8787})',
  "  --token TOKEN  a lead's token (default: $CODEJURY_TOKEN, else ${DATA_DIR:-./data}/lead-token)",
  '  --json         machine-readable output on stdout',
  '  -h, --help     show help (also: codejury COMMAND --help)',
].join('\n')

const USAGE = [
  'codejury: manage a running codejury server from the command line',
  '',
  'Commands:',
  ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`),
  '',
  GLOBAL_HELP,
  '',
  'Exit codes: 0 ok; 1 the server refused or the command failed;',
  '            2 usage error, server unreachable or no token.',
].join('\n')

function commandHelp(command: Command): string {
  return `usage: ${command.usage}\n\n${command.help}\n\n${GLOBAL_HELP}`
}

/** The command whose words start `positionals`, longest first (`users add` before `users`). */
function findCommand(positionals: string[]): Command | undefined {
  return [...COMMANDS]
    .sort((a, b) => b.words.length - a.words.length)
    .find((c) => c.words.every((w, i) => positionals[i] === w))
}

function isParseArgsError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

/**
 * Glues each string option to its value (`--token -x1` → `--token=-x1`). parseArgs refuses a
 * value that starts with `-` as ambiguous, and base64url tokens can start with one.
 */
function attachValues(argv: string[], options: OptionSpecs): string[] {
  const longOf = new Map(Object.entries(options).map(([name, o]) => [o.short, name]))
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const name = /^--[^=]+$/.test(arg)
      ? arg.slice(2)
      : /^-\w$/.test(arg)
        ? longOf.get(arg[1])
        : undefined
    if (name !== undefined && options[name]?.type === 'string' && i + 1 < argv.length) {
      out.push(`--${name}=${argv[++i]}`)
    } else {
      out.push(arg)
    }
  }
  return out
}

async function dispatch(rawArgv: string[], io: CliIO): Promise<number> {
  const out = (text: string) => void io.stdout.write(text + '\n')
  const err = (text: string) => void io.stderr.write(text + '\n')

  // A first, lenient pass that knows every option's type finds the command words; the strict
  // pass below then checks the options against that command alone.
  const allOptions: OptionSpecs = Object.assign(
    {},
    GLOBAL_OPTIONS,
    ...COMMANDS.map((c) => c.options),
  )
  const argv = attachValues(rawArgv, allOptions)
  const loose = parseArgs({
    args: argv,
    options: allOptions,
    allowPositionals: true,
    strict: false,
  })
  let words = loose.positionals
  let wantsHelp = loose.values.help === true
  if (words[0] === 'help') {
    words = words.slice(1)
    wantsHelp = true
  }

  const command = findCommand(words)
  if (!command) {
    if (words.length === 0 && wantsHelp) {
      out(USAGE)
      return ExitCode.ok
    }
    const group = COMMANDS.filter((c) => c.words.length > 1 && c.words[0] === words[0])
    if (group.length > 0 && (wantsHelp || words.length === 1)) {
      const text = ['Commands:', ...group.map((c) => `  ${c.usage}\n      ${c.summary}`)].join('\n')
      if (wantsHelp) out(text)
      else err(`codejury ${words[0]}: which one?\n${text}`)
      return wantsHelp ? ExitCode.ok : ExitCode.usage
    }
    if (words.length > 0) err(`codejury: unknown command "${words.join(' ')}"\n`)
    err(USAGE)
    return ExitCode.usage
  }
  if (wantsHelp) {
    out(commandHelp(command))
    return ExitCode.ok
  }

  const name = command.words.join(' ')
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    })
  } catch (e) {
    if (!isParseArgsError(e)) throw e
    throw new CliError(`${name}: ${e.message}`, ExitCode.usage, `usage: ${command.usage}`)
  }
  const args = parsed.positionals.slice(command.words.length)
  const { min, max } = command.positionals
  if (args.length < min || args.length > max) {
    const problem = args.length < min ? 'missing arguments' : `unexpected argument "${args[max]}"`
    throw new CliError(`${name}: ${problem}`, ExitCode.usage, `usage: ${command.usage}`)
  }

  const values = parsed.values as Record<string, string | boolean | undefined>
  const url = resolveUrl(values.url as string | undefined, io.env)
  const api = createApiClient({
    url,
    getToken: () => resolveToken(values.token as string | undefined, io.env, io.cwd),
  })
  return command.run({ io, args, values, json: values.json === true, url, api, out, err })
}

/**
 * Runs one CLI invocation and returns its exit code; never throws and never calls
 * `process.exit`, so tests run it in-process. Expected failures print one `codejury: …` line;
 * a stack trace appears only for a bug, and only with `CODEJURY_DEBUG=1`.
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`codejury: ${e.message}\n${e.details ? `${e.details}\n` : ''}`)
      return e.exitCode
    }
    io.stderr.write(`codejury: unexpected error: ${(e as Error)?.message ?? String(e)}\n`)
    if (io.env.CODEJURY_DEBUG) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`)
    return ExitCode.failed
  }
}
