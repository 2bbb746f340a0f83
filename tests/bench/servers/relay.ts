/** W0: a raw `ws` relay with no Yjs at all, the ceiling of this machine for the same fan-out. */
import * as http from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'

const rooms = new Map<string, Set<WebSocket>>()
// sync step 2 with an empty update, the answer to every sync step 1
const EMPTY_STEP2 = new Uint8Array([0, 1, 2, 0, 0])

const server = http.createServer((_req, res) => res.end('relay'))
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const room = (req.url ?? '/').split('?')[0]
    let members = rooms.get(room)
    if (!members) rooms.set(room, (members = new Set()))
    members.add(ws)
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && data[1] === 0) return ws.send(EMPTY_STEP2)
      for (const other of members) if (other !== ws) other.send(data)
    })
    ws.on('close', () => {
      members.delete(ws)
      if (members.size === 0) rooms.delete(room)
    })
  })
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address()
  console.log(`bench-server listening ${typeof addr === 'object' && addr ? addr.port : 0}`)
})
process.on('SIGTERM', () => process.exit(0))
