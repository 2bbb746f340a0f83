/**
 * A tiny TCP proxy standing in for a load balancer in front of several instances: each new
 * connection goes to the first target that accepts it, so once the preferred instance is dead
 * (connection refused), reconnecting clients land on the next one. It never moves a live
 * connection; a connection whose upstream dies is closed, and the client reconnects.
 */
import * as net from 'node:net'

export interface TcpSwitch {
  port: number
  /** Connections that went to each target, by target port. */
  routed: Map<number, number>
  close(): Promise<void>
}

/** Connects to the first of `ports` that accepts, or fails when none does. */
function connectFirst(ports: number[], i = 0): Promise<{ socket: net.Socket; port: number }> {
  return new Promise((resolve, reject) => {
    if (i >= ports.length) return reject(new Error('no target accepted'))
    const socket = net.connect(ports[i], '127.0.0.1')
    socket.once('connect', () => {
      socket.removeAllListeners('error')
      resolve({ socket, port: ports[i] })
    })
    socket.once('error', () => {
      socket.destroy()
      connectFirst(ports, i + 1).then(resolve, reject)
    })
  })
}

/** Listens on a free port and forwards each connection to the first target of `ports` that accepts. */
export function startTcpSwitch(ports: number[]): Promise<TcpSwitch> {
  const routed = new Map<number, number>()
  const open = new Set<net.Socket>()
  const server = net.createServer((client) => {
    open.add(client)
    client.pause()
    client.on('error', () => client.destroy())
    client.on('close', () => open.delete(client))
    connectFirst(ports).then(
      ({ socket, port }) => {
        routed.set(port, (routed.get(port) ?? 0) + 1)
        open.add(socket)
        socket.setNoDelay(true)
        client.setNoDelay(true)
        socket.on('error', () => socket.destroy())
        socket.on('close', () => {
          open.delete(socket)
          client.destroy()
        })
        client.on('close', () => socket.destroy())
        client.pipe(socket)
        socket.pipe(client)
        client.resume()
      },
      () => client.destroy(),
    )
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address()
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : 0,
        routed,
        close: () =>
          new Promise((done) => {
            for (const s of open) s.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}
