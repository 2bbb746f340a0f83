/** Where the CLI finds the server and the lead's token: flags, then environment, then files. */
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { CliError, ExitCode } from './cliError'

export const DEFAULT_PORT = 8787

/** `--url`, else `CODEJURY_URL`, else the address `npm start` listens on; no trailing slash. */
export function resolveUrl(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): string {
  const raw = flag ?? env.CODEJURY_URL ?? `http://127.0.0.1:${env.PORT || DEFAULT_PORT}`
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new CliError(`"${raw}" is not a URL (e.g. http://127.0.0.1:8787)`, ExitCode.usage)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`"${raw}" is not an http(s) URL`, ExitCode.usage)
  }
  return url.href.replace(/\/+$/, '')
}

/** A token and where it came from, so errors can say which one the server refused. */
export interface TokenSource {
  token: string
  source: string
}

/**
 * `--token`, else `CODEJURY_TOKEN`, else `${DATA_DIR || './data'}/lead-token` relative to the
 * working directory, which is where the server writes it on first start.
 */
export async function resolveToken(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<TokenSource> {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new CliError('--token is empty', ExitCode.usage)
    return { token: flag.trim(), source: '--token' }
  }
  if (env.CODEJURY_TOKEN?.trim()) {
    return { token: env.CODEJURY_TOKEN.trim(), source: 'CODEJURY_TOKEN' }
  }
  const file = path.resolve(cwd, env.DATA_DIR || './data', 'lead-token')
  let token = ''
  try {
    token = (await readFile(file, 'utf8')).trim()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw new CliError(`cannot read the lead token at ${file}: ${(err as Error).message}`)
    }
  }
  if (!token) {
    throw new CliError(
      `no lead token found: --token and CODEJURY_TOKEN are not set, and ${file} does not ` +
        `exist (the server writes it on its first start; set DATA_DIR if the server uses ` +
        `another data directory)`,
      ExitCode.usage,
    )
  }
  return { token, source: file }
}
