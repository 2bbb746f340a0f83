/**
 * `codejury verify FILE --key PUBLIC_KEY_FILE`: checks a native export offline, record by record:
 * each record's hash against its content and its signature against a key the user trusts (never
 * a key carried in the file). Needs no server and no token.
 */
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import type crypto from 'node:crypto'
import { recordHash } from '../../shared/record'
import type { ReviewRecord } from '../../shared/record'
import { parsePublicKeys, verifyRecordSignature } from '../../server/storage/recordKey'
import { CliError, ExitCode } from '../cliError'
import type { Command } from '../types'

/** What is wrong with one exported line, or null when it verifies. */
function checkLine(line: string, keys: Map<string, crypto.KeyObject>): { label: string; problem: string | null } {
  let row: Record<string, unknown>
  try {
    row = JSON.parse(line) as Record<string, unknown>
  } catch {
    return { label: '?', problem: 'not valid JSON' }
  }
  if (!row || typeof row !== 'object' || Array.isArray(row)) return { label: '?', problem: 'not a JSON object' }
  const label = `${String(row.task_id)} revision ${String(row.revision)}${row.seq !== undefined ? ` seq ${String(row.seq)}` : ''}`
  const { signature, key_id, seq: _seq, ...record } = row
  if (typeof record.record_hash !== 'string') return { label, problem: 'no record_hash: not a native export row' }
  let hash: string
  try {
    hash = recordHash(record as unknown as ReviewRecord)
  } catch (err) {
    return { label, problem: `its content cannot be hashed (${(err as Error).message})` }
  }
  if (hash !== record.record_hash) return { label, problem: 'record_hash does not match its content' }
  if (typeof signature !== 'string' || typeof key_id !== 'string') return { label, problem: 'it is not signed' }
  const key = keys.get(key_id)
  if (!key) return { label, problem: `it is signed by key ${key_id}, which is not among the trusted keys` }
  if (!verifyRecordSignature(key, hash, signature)) return { label, problem: 'its signature does not verify' }
  return { label, problem: null }
}

/** `codejury verify`. */
export const verify: Command = {
  words: ['verify'],
  usage: 'codejury verify FILE --key PUBLIC_KEY_FILE',
  summary: 'check a native export offline: every record hash and signature, against a key you trust',
  help: [
    'Reads FILE (a native export, one record per line) and checks each record: its record_hash',
    'against its content, and its Ed25519 signature against the trusted keys. Prints one line per',
    'record and exits 1 if any record fails (or the file holds none); 0 when all verify.',
    '',
    '  --key FILE   the public keys you trust: PEM "PUBLIC KEY" blocks, or the JSON that',
    '               GET /api/records/key answers, saved from a server you trust',
  ].join('\n'),
  options: { key: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const keyFile = ctx.values.key
    if (typeof keyFile !== 'string') throw new CliError('verify: --key PUBLIC_KEY_FILE is required', ExitCode.usage, `usage: ${verify.usage}`)
    let keys: Map<string, crypto.KeyObject>
    try {
      keys = parsePublicKeys(fs.readFileSync(path.resolve(ctx.io.cwd, keyFile), 'utf8'))
    } catch (err) {
      throw new CliError(`verify: cannot use the key file ${keyFile}: ${(err as Error).message}`, ExitCode.usage)
    }
    const file = path.resolve(ctx.io.cwd, ctx.args[0])
    if (!fs.existsSync(file)) throw new CliError(`verify: no such file ${ctx.args[0]}`, ExitCode.usage)
    const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity })
    let n = 0
    let ok = 0
    const failures: { line: number; label: string; problem: string }[] = []
    for await (const line of lines) {
      n++
      if (!line.trim()) continue
      const { label, problem } = checkLine(line, keys)
      if (problem) {
        failures.push({ line: n, label, problem })
        if (!ctx.json) ctx.out(`FAIL  line ${n}: ${label}: ${problem}`)
      } else {
        ok++
        if (!ctx.json) ctx.out(`ok    ${label}`)
      }
    }
    const total = ok + failures.length
    if (ctx.json) ctx.out(JSON.stringify({ records: total, ok, failed: failures }, null, 2))
    else ctx.out(total === 0 ? `no records in ${ctx.args[0]}` : `${total} records: ${ok} verified, ${failures.length} failed`)
    return failures.length === 0 && total > 0 ? ExitCode.ok : ExitCode.failed
  },
}
