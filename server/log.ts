/** The server's log: one JSON line per event on stderr, so it can be piped and searched. */
import type { RoomLog } from './sync/room'

export interface Logger extends RoomLog {
  info(message: string, detail?: Record<string, unknown>): void
}

export function createLogger(quiet = false): Logger {
  const write = (level: string, message: string, detail?: Record<string, unknown>) => {
    process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, message, ...detail }) + '\n')
  }
  return {
    info: (m, d) => {
      if (!quiet) write('info', m, d)
    },
    warn: (m, d) => {
      if (!quiet) write('warn', m, d)
    },
    error: (m, err, d) => write('error', m, { ...d, error: err instanceof Error ? err.stack : String(err) }),
  }
}
