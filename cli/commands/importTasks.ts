/** `codejury import FILE --batch NAME [--on-conflict skip] [--assign IDS] [--open-label]`: JSONL tasks, all lines or none. */
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import * as v from 'valibot'
import { BatchNameSchema, formatIssues } from '../../shared/validation'
import type { LineError } from '../../shared/validation'
import { CliError, ExitCode } from '../cliError'
import { toPrintable } from '../format'
import type { Command } from '../types'

/**
 * 200 `{ batch, batchCreated, blind, imported, ids, skipped, skippedIds }`; 400 `{ errors }` (or `{ error }` for a bad batch name); 409
 * `{ errors }` when an id already exists or another import of it is in flight.
 */
interface ImportResponse {
  batch: string
  batchCreated?: boolean
  blind?: boolean
  imported: number
  ids: string[]
  skipped?: number
  skippedIds?: string[]
  errors?: LineError[]
  error?: string
}

/**
 * Posts the file as is: the server validates every line (shared/validation.ts) and reports all
 * problems with 1-based line numbers, so the CLI never disagrees with it.
 */
export const importTasks: Command = {
  words: ['import'],
  usage: 'codejury import FILE --batch NAME [--on-conflict error|skip] [--assign ID,ID…] [--open-label]',
  summary: 'import tasks from a JSONL file into a batch',
  help: [
    'Imports the tasks of a JSONL file (one task per line) into a batch, creating the batch',
    'if needed. The import is all lines or none: on any problem, every bad line is listed',
    'as "line N: message" and nothing is imported.',
    '',
    'A line: {"id", "prompt", "language", "candidates": [{"id", "code", "model"?}],',
    '         "entry_point"?, "tests"?, "metadata"?}',
    '',
    'Options:',
    '  --batch NAME           the batch to import into (required)',
    '  --on-conflict MODE     error (default): an id that exists refuses the whole file;',
    '                         skip: lines whose id exists are left out and reported',
    '  --assign ID,ID…        assign every imported task to these annotators (user ids);',
    '                         an unknown user refuses the whole file',
    '  --open-label           a batch this import creates is open-label (default: blind,',
    '                         everyone sees candidates as A, B, C…; only the lead sees models)',
  ].join('\n'),
  options: {
    batch: { type: 'string', short: 'b' },
    'on-conflict': { type: 'string' },
    assign: { type: 'string' },
    'open-label': { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const batch = ctx.values.batch
    if (typeof batch !== 'string') {
      throw new CliError('import needs --batch NAME', ExitCode.usage, `usage: ${importTasks.usage}`)
    }
    const name = v.safeParse(BatchNameSchema, batch)
    if (!name.success) {
      throw new CliError(`--batch: ${formatIssues(name.issues).join('; ')}`, ExitCode.usage)
    }
    const onConflict = ctx.values['on-conflict'] ?? 'error'
    if (onConflict !== 'error' && onConflict !== 'skip') {
      throw new CliError('--on-conflict must be error or skip', ExitCode.usage, `usage: ${importTasks.usage}`)
    }
    const assign = typeof ctx.values.assign === 'string' ? ctx.values.assign : ''
    const query: Record<string, string> = { batch }
    if (onConflict === 'skip') query.onConflict = 'skip'
    if (assign) query.assign = assign
    if (ctx.values['open-label'] === true) query.blind = '0'
    const file = ctx.args[0]
    const text = await readFile(path.resolve(ctx.io.cwd, file), 'utf8').catch((err: Error) => {
      throw new CliError(`cannot read ${file}: ${describeFsError(err)}`)
    })
    const { status, data } = await ctx.api.json<ImportResponse>(
      (r) => r.api.tasks.import.$post({ query }, { headers: { 'content-type': 'application/x-ndjson' }, init: { body: text } }),
      { accept: [400, 409, 413] },
    )
    if (status === 200) {
      const tasks = `${data.imported} task${data.imported === 1 ? '' : 's'}`
      const skipped = data.skipped ? `; skipped ${data.skipped} existing: ${(data.skippedIds ?? []).join(', ')}` : ''
      const into = data.batchCreated ? `a new ${data.blind ? 'blind' : 'open-label'} batch` : 'batch'
      const text = `imported ${tasks} into ${into} "${data.batch}"${skipped}`
      ctx.out(ctx.json ? JSON.stringify(data, null, 2) : text)
      return ExitCode.ok
    }
    if (status === 413) throw new CliError(`${file} is too large for one import: ${data.error ?? 'split it'}`)
    if (!Array.isArray(data.errors)) {
      throw new CliError(`the server refused the import: ${data.error ?? `HTTP ${status}`}`)
    }
    if (ctx.json) ctx.out(JSON.stringify({ errors: data.errors }, null, 2))
    ctx.err(`codejury: the server rejected ${file}; nothing was imported:`)
    for (const e of data.errors) {
      ctx.err(e.line > 0 ? `line ${e.line}: ${toPrintable(e.message)}` : toPrintable(e.message))
    }
    return ExitCode.failed
  },
}

function describeFsError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EISDIR') return 'it is a directory'
  if (code === 'EACCES') return 'permission denied'
  return err.message
}
