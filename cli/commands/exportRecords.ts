/** `codejury export`: streams an export in any format as NDJSON to stdout or a file, with progress on stderr. */
import fs from 'node:fs'
import { once } from 'node:events'
import * as path from 'node:path'
import { EXPORT_FORMATS } from '../../shared/exports/formats'
import { PAIR_POLICIES } from '../../shared/exports/pairs'
import { CliError, ExitCode } from '../cliError'
import type { Command, CommandContext } from '../types'

/** How often progress is printed while an export runs. */
const PROGRESS_INTERVAL_MS = 1_000

/** Counts rows and the distinct records they came from (a `kto` file interleaves records' rows). */
function createCounter() {
  let rest = ''
  const seen = new Set<string>()
  const counts = { rows: 0, records: 0 }
  return {
    counts,
    feed(text: string) {
      const lines = (rest + text).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) {
        if (!line) continue
        counts.rows++
        const row = JSON.parse(line) as { task_id?: unknown; revision?: unknown }
        const key = `${String(row.task_id)}\u0000${String(row.revision)}`
        if (!seen.has(key)) counts.records++
        seen.add(key)
      }
    },
  }
}

/** What `--gold` accepts: leave gold tasks out (the default, as the API) or put them in. */
const GOLD_CHOICES: ReadonlySet<string> = new Set(['include', 'exclude'])

function queryOf(values: CommandContext['values']): Record<string, string> {
  const query: Record<string, string> = { format: String(values.format ?? 'native') }
  const gold = values.gold
  if (typeof gold === 'string' && !GOLD_CHOICES.has(gold)) throw new CliError(`--gold must be include or exclude (got "${gold.slice(0, 40)}")`, ExitCode.usage)
  for (const name of ['pairs', 'batch', 'since', 'revisions', 'limit', 'seed', 'gold'] as const) {
    const v = values[name]
    if (typeof v === 'string') query[name] = v
  }
  if (typeof values['since-seq'] === 'string') query.since_seq = values['since-seq']
  return query
}

/**
 * Streams the body as it arrives, so a large export never sits in memory. A file is written as
 * FILE.partial and renamed only when the export completed, so a cut-off export (a record that
 * failed its integrity check mid-stream, a lost connection) never looks like a whole one.
 */
export const exportRecords: Command = {
  words: ['export'],
  usage: 'codejury export --format F [--out FILE] [--pairs P] [--batch B] [--since ISO] [--since-seq N] [--revisions all] [--limit N] [--seed N] [--gold include|exclude]',
  summary: 'export finalized reviews as NDJSON training data',
  help: [
    'Writes finalized reviews as NDJSON (one JSON object per line) to stdout or a file,',
    'in task id order then revision (kto: a seeded shuffle in which neighbours do not share a',
    'prompt), with progress (rows written, records read) on stderr.',
    '',
    'Options:',
    `  --format F       ${EXPORT_FORMATS.join(', ')} (default: native)`,
    `  --pairs P        ${PAIR_POLICIES.join(', ')}: pair expansion of dpo, reward, openai-preference (default: all)`,
    '  --batch B        only records of batch B',
    '  --since ISO      only records finalized at or after this date or date-time',
    '  --since-seq N    only records committed after seq N (the highest seq a native export gave)',
    '  --revisions all  every finalized revision instead of the latest of each task',
    '  --limit N        at most N rows',
    '  --seed N         the seed of kto\'s shuffle, 0 to 4294967295 (default: 0)',
    '  --gold G         include or exclude gold tasks (default: exclude, their answers are known)',
    '  --out FILE       write to FILE instead of stdout',
  ].join('\n'),
  options: {
    format: { type: 'string', short: 'f' },
    revisions: { type: 'string' },
    pairs: { type: 'string' },
    batch: { type: 'string' },
    since: { type: 'string' },
    'since-seq': { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string' },
    gold: { type: 'string' },
    out: { type: 'string', short: 'o' },
  },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const res = await ctx.api.send((r) => r.api.export.$get({ query: queryOf(ctx.values) }))
    const total = res.headers.get('x-export-records') ?? '?'
    const counter = createCounter()
    const report = (final: boolean) =>
      ctx.io.stderr.write(`${final ? 'exported' : 'exporting:'} ${counter.counts.rows} rows written, ${counter.counts.records} of ${total} records read\n`)
    const out = typeof ctx.values.out === 'string' ? path.resolve(ctx.io.cwd, ctx.values.out) : null
    const partial = out ? `${out}.partial` : null
    const file = partial ? fs.createWriteStream(partial, { mode: 0o600 }) : null
    const fileError = file ? new Promise<never>((_, reject) => file.on('error', reject)) : null
    fileError?.catch(() => {})
    const decoder = new TextDecoder()
    let lastReport = Date.now()
    try {
      if (res.body) {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          const text = decoder.decode(chunk, { stream: true })
          counter.feed(text)
          if (file) {
            if (!file.write(chunk)) await Promise.race([once(file, 'drain'), fileError])
          } else ctx.io.stdout.write(text)
          if (Date.now() - lastReport >= PROGRESS_INTERVAL_MS) {
            lastReport = Date.now()
            report(false)
          }
        }
      }
      const tail = decoder.decode()
      counter.feed(tail + '\n')
      if (!file) ctx.io.stdout.write(tail)
      if (file) {
        file.end()
        await Promise.race([once(file, 'finish'), fileError])
        fs.renameSync(partial!, out!)
      }
    } catch (err) {
      file?.destroy()
      if (partial) fs.rmSync(partial, { force: true })
      const message = (err as Error).message
      throw new CliError(`export stopped after ${counter.counts.rows} rows: ${message}${out ? `; ${ctx.values.out} was not written` : ''}`)
    }
    report(true)
    if (out && !ctx.json) ctx.err(`wrote ${ctx.values.out}`)
    return ExitCode.ok
  },
}
