/**
 * The stock y-websocket 1.5.4 server: its own bin/server.js, with the project's `ws` 8 instead of
 * the bundled ws 6; YPERSISTENCE (y-leveldb) when STORAGE=disk.
 */
import * as http from 'node:http'
import { createRequire } from 'node:module'
import { WebSocketServer } from 'ws'

// utils.js reads YPERSISTENCE when it loads
if (process.env.STORAGE === 'disk') process.env.YPERSISTENCE = process.env.DATA_DIR
const require = createRequire(import.meta.url)
const utils = require('y-websocket-stock/bin/utils') as {
  setupWSConnection: (conn: unknown, req: http.IncomingMessage) => void
  getPersistence: () => { provider: { tr: Promise<unknown>; destroy: () => Promise<void> } } | null
}

const server = http.createServer((_req, res) => res.end('okay'))
const wss = new WebSocketServer({ noServer: true })
wss.on('connection', utils.setupWSConnection)
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address()
  console.log(`bench-server listening ${typeof addr === 'object' && addr ? addr.port : 0}`)
})
// bin/server.js has no shutdown. y-leveldb runs every operation in one queue (`tr`), and a room's
// first store is only queued once its load is done, so wait until the queue stops growing before
// closing the database; otherwise the last rooms written are lost (and W3 would blame the store).
process.on('SIGTERM', async () => {
  for (const ws of wss.clients) ws.terminate()
  const ldb = utils.getPersistence()?.provider
  if (ldb) {
    let queued: Promise<unknown>
    do {
      queued = ldb.tr
      await queued
      await new Promise((r) => setTimeout(r, 100))
    } while (ldb.tr !== queued)
    await ldb.destroy()
  }
  process.exit(0)
})
