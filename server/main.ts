/** `npm start`: reads the configuration, starts the server, prints sign-in links, stops on signals. */
import path from 'node:path'
import { LEAD_TOKEN_FILE } from './bootstrap'
import { loadConfig } from './config'
import { createLogger } from './log'
import { startServer } from './server'
import type { RunningServer } from './server'
import { DataDirLockedError } from './storage/lock'
import { RecordFileError } from './storage/recordFile'
import { RecordKeyError } from './storage/recordKey'
import { StorageError } from './storage/storageError'

async function main(): Promise<void> {
  // Whatever this process creates under DATA_DIR is the server user's alone (0600 files, 0700 directories).
  process.umask(0o077)
  let config
  try {
    config = loadConfig()
  } catch (err) {
    console.error(`codejury: ${(err as Error).message}`)
    process.exit(2)
  }
  const log = createLogger(config.quiet)
  let server
  try {
    server = await startServer(config, log)
  } catch (err) {
    // Refusals the operator must act on: one clear line, never a stack trace.
    if (err instanceof DataDirLockedError || err instanceof RecordFileError || err instanceof RecordKeyError) {
      console.error(`codejury: ${err.message}`)
      process.exit(1)
    }
    if (err instanceof StorageError) {
      console.error(`codejury: cannot start: writing ${err.file} failed: ${err.message}`)
      process.exit(1)
    }
    throw err
  }
  // Handlers first: a supervisor may signal the moment it reads the address.
  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('shutting down', { signal })
    server
      .stop()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error('shutdown failed', err)
        process.exit(1)
      })
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))

  // Its own address first: behind a proxy, several instances share PUBLIC_URL.
  const local = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${server.port}`
  const lines = [
    `codejury listening on ${local}`,
    ...(server.url !== local ? [`public address: ${server.url}`] : []),
    `data directory: ${config.dataDir}`,
    ...signInLines(server, config.dataDir),
  ]
  console.log(lines.join('\n'))
}

/**
 * The saved sign-in links that still sign in, and for each that no longer does, why and how to
 * get a new one: a link is printed only while its token is its user's current one.
 */
function signInLines(server: RunningServer, dataDir: string): string[] {
  const lines: string[] = []
  if (server.lead?.state === 'current') lines.push(`sign in as the lead:  ${server.url}/signin/${server.lead.token}`)
  if (server.lead?.state === 'stale') {
    lines.push(`the lead's token in ${path.join(dataDir, LEAD_TOKEN_FILE)} no longer signs in (rotated): sign in with the link \`codejury users rotate\` printed, and put its token in that file for the CLI`)
  }
  for (const l of server.links) {
    if (l.state === 'current') lines.push(`sign in as ${l.name} (${l.role}):  ${server.url}/signin/${l.token}`)
    else if (l.state === 'rotated') lines.push(`${l.name} (${l.role}): token rotated since this link was saved; use the link \`codejury users rotate\` printed, or get a new one (it replaces that) with: npx codejury users rotate ${l.id}`)
    else lines.push(`${l.name} (${l.role}): the saved link no longer signs in (removed or rotated); \`npx codejury users list\` shows who is left`)
  }
  return lines
}

void main().catch((err) => {
  console.error('codejury: failed to start', err)
  process.exit(1)
})
