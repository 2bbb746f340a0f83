/** `npm start`: reads the configuration, starts the server, prints sign-in links, stops on signals. */
import { loadConfig } from './config'
import { createLogger } from './log'
import { startServer } from './server'
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

  const lines = [`codejury listening on ${server.url}`, `data directory: ${config.dataDir}`]
  if (server.leadToken) lines.push(`sign in as the lead:  ${server.url}/signin/${server.leadToken}`)
  for (const l of server.links) lines.push(`sign in as ${l.name} (${l.role}):  ${server.url}/signin/${l.token}`)
  console.log(lines.join('\n'))
}

void main().catch((err) => {
  console.error('codejury: failed to start', err)
  process.exit(1)
})
