/**
 * `codejury storage copy`: moves a file DATA_DIR into an empty PostgreSQL database, or a database
 * back into an empty DATA_DIR, and verifies the copy (server/storage/transfer/copyStorage.ts).
 * Runs on the machine, against the storage itself: it needs no server, and refuses while one runs.
 */
import path from 'node:path'
import { copyStorage, CopyRefusedError, describe } from '../../server/storage/transfer/copyStorage'
import type { Endpoint } from '../../server/storage/transfer/copyStorage'
import { DATA_KINDS } from '../../server/storage/transfer/dataSet'
import { CliError, ExitCode } from '../cliError'
import { formatTable } from '../format'
import type { Command, CommandContext } from '../types'

const USAGE = 'codejury storage copy (--from-dir DIR | --from-postgres URL) (--to-postgres URL | --to-dir DIR) [--record-key FILE]'

function usageError(message: string): CliError {
  return new CliError(`storage copy: ${message}`, ExitCode.usage, `usage: ${USAGE}`)
}

/** The one source or target among `dirOption` and `pgOption`. */
function endpoint(ctx: CommandContext, dirOption: string, pgOption: string): Endpoint {
  const dir = ctx.values[dirOption]
  const url = ctx.values[pgOption]
  if (typeof dir === 'string' && typeof url === 'string') throw usageError(`give --${dirOption} or --${pgOption}, not both`)
  if (typeof dir === 'string') return { kind: 'dir', dir: path.resolve(ctx.io.cwd, dir) }
  if (typeof url === 'string') {
    if (!/^postgres(ql)?:\/\//.test(url)) throw usageError(`--${pgOption} takes a postgres:// URL, got "${url}"`)
    return { kind: 'postgres', url }
  }
  throw usageError(`--${dirOption} or --${pgOption} is required`)
}

/** `codejury storage copy`. */
export const storageCopy: Command = {
  words: ['storage', 'copy'],
  usage: USAGE,
  summary: 'copy a DATA_DIR into an empty PostgreSQL database (or back) and verify the copy; servers stopped',
  help: [
    'Copies users, batches, tasks with their assignees, sessions, gold, time on task, the audit log,',
    'the review records (byte for byte, with their signatures) and every room (its Yjs state as one',
    'snapshot, and who owns each client id) from the source into the target, then reads the target',
    'back and checks it: counts per kind, every item, every record hash and signature, every room.',
    'Exits 0 when the copy verifies, 1 when it was refused or differs (a difference is listed).',
    '',
    '  --from-dir DIR       a file DATA_DIR (no server may hold it: it is locked during the copy)',
    '  --from-postgres URL  a database of STORAGE=postgres instances (stop them all first)',
    '  --to-postgres URL    an empty database (created by you; the schema is made here)',
    '  --to-dir DIR         an empty or absent directory',
    '  --record-key FILE    the records\' signing key (default: $RECORD_KEY_FILE, else',
    '                       DIR/keys/record-key.pem of --from-dir). Start the target\'s servers with',
    '                       RECORD_KEY_FILE set to this same file, or its records will not verify.',
  ].join('\n'),
  options: {
    'from-dir': { type: 'string' },
    'from-postgres': { type: 'string' },
    'to-postgres': { type: 'string' },
    'to-dir': { type: 'string' },
    'record-key': { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const from = endpoint(ctx, 'from-dir', 'from-postgres')
    const to = endpoint(ctx, 'to-dir', 'to-postgres')
    const given = ctx.values['record-key']
    const keyFile =
      typeof given === 'string'
        ? path.resolve(ctx.io.cwd, given)
        : ctx.io.env.RECORD_KEY_FILE
          ? path.resolve(ctx.io.cwd, ctx.io.env.RECORD_KEY_FILE)
          : from.kind === 'dir'
            ? path.join(from.dir, 'keys', 'record-key.pem')
            : null
    if (keyFile === null) throw usageError('--record-key FILE (or RECORD_KEY_FILE) is required to copy from PostgreSQL')
    let comparison
    try {
      comparison = await copyStorage({ from, to, keyFile })
    } catch (err) {
      if (!(err instanceof CopyRefusedError)) throw err
      const details = err.problems.length ? err.problems.map((p) => `  ${p}`).join('\n') : undefined
      throw new CliError(`storage copy: ${err.message}`, ExitCode.failed, details)
    }
    const { counts, differences } = comparison
    if (ctx.json) {
      ctx.out(JSON.stringify({
        from: describe(from),
        to: describe(to),
        counts: Object.fromEntries(DATA_KINDS.map((k) => [k, { source: counts.source.get(k), target: counts.target.get(k) }])),
        verified: differences.length === 0,
        differences,
      }, null, 2))
    } else {
      ctx.out(`copied ${describe(from)} -> ${describe(to)}`)
      ctx.out(formatTable(['kind', 'source', 'target'], DATA_KINDS.map((k) => [k, counts.source.get(k), counts.target.get(k)])))
      for (const d of differences) ctx.out(`DIFFERS  ${d}`)
      ctx.out(differences.length === 0
        ? `verified: every count, item, record (hash and signature) and room matches; sign records with ${keyFile}`
        : `NOT verified: ${differences.length} difference(s); do not serve the target`)
    }
    return differences.length === 0 ? ExitCode.ok : ExitCode.failed
  },
}
