/**
 * A minimal WebSocket client for the load generator: frames parsed straight off the TCP stream, one
 * callback per frame, no per-message objects.
 */
import * as crypto from 'node:crypto'
import * as net from 'node:net'

/**
 * Callbacks of a RawWebSocket; `onFrame` gets a view into the received bytes, valid only during the
 * call.
 */
export interface RawWebSocketOptions {
  onOpen(): void
  onFrame(buf: Buffer, start: number, end: number): void
  onClose(code: number): void
  onError(err: Error): void
}

// One read buffer for every socket of the process: `onread` hands us bytes synchronously and we
// copy only what must outlive the callback (a partial frame), which spares an allocation and the
// stream machinery per read.
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024)

const OP_CONT = 0
const OP_BINARY = 2
const OP_TEXT = 1
const OP_CLOSE = 8
const OP_PING = 9

/**
 * The smallest client that servers built on `ws` accept: masked frames with a zero key (valid per
 * RFC 6455 §5.3, and it spares the XOR), no extensions. It exists because a `ws` client per
 * connection costs about as much CPU per received message as the server spends sending it, and
 * the load generator shares this 2-core machine with the server.
 */
export class RawWebSocket {
  private socket: net.Socket
  private upgraded = false
  private head: Buffer | null = null
  private pending: Buffer[] = []
  private pendingLen = 0
  private need = 0
  private fragments: Buffer[] = []
  private closed = false
  private notified = false
  closeCode = 0

  constructor(
    url: string,
    private readonly opts: RawWebSocketOptions,
  ) {
    const u = new URL(url)
    const key = crypto.randomBytes(16).toString('base64')
    this.socket = net.connect({
      host: u.hostname,
      port: Number(u.port || 80),
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          this.onData(Buffer.from(buf.buffer, buf.byteOffset, n))
          return true
        },
      },
    })
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      )
    })
    this.socket.on('error', (err) => {
      if (!this.closed && !this.upgraded) this.opts.onError(err)
    })
    this.socket.on('close', () => this.finish(this.closeCode || 1006))
  }

  /** Bytes queued in the socket, for backpressure checks. */
  get bufferedAmount(): number {
    return this.socket.writableLength
  }

  get isOpen(): boolean {
    return this.upgraded && !this.closed
  }

  send(payload: Uint8Array): void {
    if (!this.isOpen) return
    const n = payload.length
    const hdr = n < 126 ? 6 : n < 65536 ? 8 : 14
    const frame = Buffer.allocUnsafe(hdr + n)
    frame[0] = 0x80 | OP_BINARY
    if (n < 126) {
      frame[1] = 0x80 | n
    } else if (n < 65536) {
      frame[1] = 0x80 | 126
      frame.writeUInt16BE(n, 2)
    } else {
      frame[1] = 0x80 | 127
      frame.writeUInt32BE(0, 2)
      frame.writeUInt32BE(n, 6)
    }
    frame.writeUInt32BE(0, hdr - 4) // zero mask key
    frame.set(payload, hdr)
    this.socket.write(frame)
  }

  /** Sends a close frame and ends the socket; resolves once it is closed. */
  close(code = 1000): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve()
      this.socket.once('close', () => resolve())
      if (this.upgraded && !this.closed) {
        this.socket.write(Buffer.from([0x88, 0x82, 0, 0, 0, 0, code >> 8, code & 0xff]))
      }
      this.closed = true
      this.socket.end()
      setTimeout(() => this.socket.destroy(), 1000).unref()
    })
  }

  private finish(code: number): void {
    if (this.closeCode === 0) this.closeCode = code
    this.closed = true
    if (this.notified) return
    this.notified = true
    this.opts.onClose(this.closeCode)
  }

  private onData(chunk: Buffer): void {
    if (!this.upgraded) {
      const buf = this.head ? Buffer.concat([this.head, chunk]) : chunk
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) {
        this.head = Buffer.from(buf)
        return
      }
      this.head = null
      const status = buf.toString('latin1', 0, 12)
      if (!/^HTTP\/1\.1 101/.test(status)) {
        this.closed = true
        this.opts.onError(
          new Error(`upgrade refused: ${buf.toString('latin1', 0, end).split('\r\n')[0]}`),
        )
        this.socket.destroy()
        return
      }
      this.upgraded = true
      this.opts.onOpen()
      if (buf.length === end + 4) return
      chunk = buf.subarray(end + 4)
    }
    if (this.pendingLen > 0) {
      this.pending.push(Buffer.from(chunk))
      this.pendingLen += chunk.length
      if (this.pendingLen < this.need) return
      chunk = Buffer.concat(this.pending, this.pendingLen)
      this.pending = []
      this.pendingLen = 0
    }
    this.need = 0
    let pos = 0
    const len = chunk.length
    while (len - pos >= 2) {
      const b0 = chunk[pos]
      const b1 = chunk[pos + 1]
      let payloadLen = b1 & 0x7f
      let hdr = 2
      if (payloadLen === 126) {
        if (len - pos < 4) break
        payloadLen = chunk.readUInt16BE(pos + 2)
        hdr = 4
      } else if (payloadLen === 127) {
        if (len - pos < 10) break
        payloadLen = chunk.readUInt32BE(pos + 2) * 2 ** 32 + chunk.readUInt32BE(pos + 6)
        hdr = 10
      }
      if (b1 & 0x80) hdr += 4 // servers never mask; tolerate it by skipping the key
      if (len - pos < hdr + payloadLen) {
        this.need = hdr + payloadLen
        break
      }
      this.onFrameBytes(b0, chunk, pos + hdr, pos + hdr + payloadLen)
      pos += hdr + payloadLen
      if (this.closed) return
    }
    if (pos < len) {
      const rest = Buffer.from(chunk.subarray(pos)) // copy: the read buffer is reused
      this.pending = [rest]
      this.pendingLen = rest.length
      if (this.need === 0) this.need = rest.length + 1
    }
  }

  private onFrameBytes(b0: number, buf: Buffer, start: number, end: number): void {
    const fin = (b0 & 0x80) !== 0
    const op = b0 & 0x0f
    if (op === OP_BINARY || op === OP_TEXT || op === OP_CONT) {
      if (fin && this.fragments.length === 0) {
        this.opts.onFrame(buf, start, end)
        return
      }
      this.fragments.push(Buffer.from(buf.subarray(start, end)))
      if (fin) {
        const whole = Buffer.concat(this.fragments)
        this.fragments = []
        this.opts.onFrame(whole, 0, whole.length)
      }
    } else if (op === OP_PING) {
      const n = end - start
      const pong = Buffer.alloc(6 + n)
      pong[0] = 0x8a
      pong[1] = 0x80 | n
      buf.copy(pong, 6, start, end)
      this.socket.write(pong)
    } else if (op === OP_CLOSE) {
      const code = end - start >= 2 ? buf.readUInt16BE(start) : 1005
      if (!this.closed) {
        // echo the close; 1005 ("no code") must not appear on the wire
        this.socket.write(
          code === 1005
            ? Buffer.from([0x88, 0x80, 0, 0, 0, 0])
            : Buffer.from([0x88, 0x82, 0, 0, 0, 0, code >> 8, code & 0xff]),
        )
      }
      this.finish(code)
      this.socket.end()
    }
  }
}
