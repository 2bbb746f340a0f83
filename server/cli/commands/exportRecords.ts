/** `codejury export`: streams finalized review records as NDJSON to stdout or a file. */
import { createWriteStream } from 'node:fs'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { CliError, ExitCode } from '../cliError'
import type { Command } from '../types'

/** The formats the server builds today; the server has the final word, so others are passed through. */
export const EXPORT_FORMATS = ['native'] as const

/** Streams the body as it arrives, so a large export never sits in memory. */
export const exportRecords: Command = {
  words: ['export'],
  usage: 'codejury export [--format native] [--revisions all] [--out FILE]',
  summary: 'export finalized reviews as NDJSON',
  help: [
    'Writes finalized review records as NDJSON (one JSON object per line) to stdout or a file.',
    '',
    'Options:',
    `  --format F       ${EXPORT_FORMATS.join(', ')} (default: native)`,
    '  --revisions all  every finalized revision instead of the latest of each task',
    '  --out FILE       write to FILE instead of stdout',
  ].join('\n'),
  options: {
    format: { type: 'string', short: 'f' },
    revisions: { type: 'string' },
    pairs: { type: 'string' },
    out: { type: 'string', short: 'o' },
  },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const query = new URLSearchParams({ format: String(ctx.values.format ?? 'native') })
    if (typeof ctx.values.revisions === 'string') query.set('revisions', ctx.values.revisions)
    if (typeof ctx.values.pairs === 'string') query.set('pairs', ctx.values.pairs)
    const res = await ctx.api.send('GET', `/api/export?${query}`)
    if (!res.body) return ExitCode.ok
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
    const out = ctx.values.out
    if (typeof out === 'string') {
      const file = path.resolve(ctx.io.cwd, out)
      await pipeline(body, createWriteStream(file)).catch((err: Error) => {
        throw new CliError(`cannot write ${out}: ${err.message}`)
      })
      if (!ctx.json) ctx.err(`wrote ${out}`)
      return ExitCode.ok
    }
    const decoder = new TextDecoder()
    for await (const chunk of body) ctx.io.stdout.write(decoder.decode(chunk, { stream: true }))
    ctx.io.stdout.write(decoder.decode())
    return ExitCode.ok
  },
}
