/**
 * One simulated editor of the load generator: speaks the y-websocket (or Hocuspocus) protocol over
 * a RawWebSocket and records what reaches it.
 */
import * as decoding from 'lib0/decoding'
import { createLatencyHistogram, recordUs } from './histogram'
import { RawWebSocket } from './rawWebSocket'
import {
  AWARENESS_TAG,
  bodyOffset,
  encodeAwarenessMessage,
  encodeHocuspocusAuth,
  encodeMarkerUpdateMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  markerString,
  Msg,
  Proto,
  readMarkers,
  SyncStep,
  UPDATE_TAG,
} from './wire'

/** Where and as whom a client connects. `id` is unique across the run and travels in markers. */
export interface ClientSpec {
  id: number
  room: string
  url: string
  proto: Proto
  docName: string
  token: string
  /**
   * Which server instance the client is on (several-instance runs): a receipt from a sender on
   * another instance also counts as cross-instance.
   */
  instance?: number
}

/**
 * Current time in µs on the machine-wide monotonic clock (CLOCK_MONOTONIC, shared by processes).
 */
export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)

const EMPTY_UPDATE = new Uint8Array([0, 0])

/**
 * What a reconnecting client already holds: it sends `stateVector` in sync step 1, and its content
 * is complete once `marker` (text in the part it lacks) has arrived.
 */
export interface HeldState {
  stateVector: Uint8Array
  marker: Buffer
}

/** Counters shared by every client of one load-generator process. */
export class Stats {
  /** Only markers sent inside [fromUs, toUs) count; warm-up and drain traffic does not. */
  fromUs = Infinity
  toUs = -Infinity
  updates = createLatencyHistogram()
  /** Receipts whose sender is on another instance than the receiver (ClientSpec.instance). */
  crossUpdates = createLatencyHistogram()
  crossDelivered = 0
  /** Every client's instance, by client id, so a receiver can tell where a sender is. */
  instanceOf = new Map<number, number>()
  presence = createLatencyHistogram()
  delivered = 0
  deliveredPresence = 0
  echoes = 0
  outOfOrder = 0
  acks = 0
  lastReceiptUs = 0
  sentByRoom = new Map<string, number>()
  sentPresenceByRoom = new Map<string, number>()
  closes = new Map<number, number>()
  errors: string[] = []

  inWindow(us: number): boolean {
    return us >= this.fromUs && us < this.toUs
  }

  error(message: string): void {
    if (this.errors.length < 20) this.errors.push(message)
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

/**
 * A client that never runs Yjs on the hot path: its edits are hand-encoded updates that insert a
 * marker string at the end of its own previous insert, and it verifies what it receives by
 * finding the markers in the relayed bytes. Its own id in a marker means the server echoed the
 * edit back to its author (stock y-websocket and Hocuspocus do).
 */
export class BenchClient {
  ws: RawWebSocket | null = null
  readonly clientID = 1 + Math.floor(Math.random() * 0x7ffffffe)
  clock = 0
  seq = 0
  presenceSeq = 0
  counting = true
  connectStartUs = 0
  syncedUs = 0
  step2Bytes = 0
  /**
   * Time to content: when both sync step 2 and the document have arrived. The document is
   * `expectBytes` of step 2 and update payloads, or, for a reconnecting client, the held state's
   * marker.
   */
  contentUs = 0
  private contentAtUs = 0
  private contentBytes = 0
  private expectBytes = 0
  private held: HeldState | null = null
  private onContent: (() => void) | null = null
  closeCode = 0
  private lastSeq = new Map<number, number>()
  private step2Waiters: Array<(bytes: number) => void> = []
  private step2Payload: ((buf: Buffer, start: number, end: number) => void) | null = null

  constructor(
    readonly spec: ClientSpec,
    private readonly stats: Stats,
  ) {}

  /**
   * Connects and resolves at the first sync step 2, or, with `expectBytes`, once that much
   * document has arrived too: a server that answers sync before its storage has loaded (stock
   * y-websocket with y-leveldb) sends the content later as updates, and only then is it there.
   * With `held`, the client reconnects holding a document: its step 1 carries the held state
   * vector, and it resolves once step 2 and the part it lacked (the marker) have arrived.
   */
  connect(timeoutMs: number, expectBytes = 0, held: HeldState | null = null): Promise<void> {
    const { spec } = this
    this.connectStartUs = nowUs()
    this.expectBytes = expectBytes
    this.held = held
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const what = held ? 'the held state marker' : `${this.contentBytes} of ${expectBytes} bytes`
        reject(
          new Error(
            `client ${spec.id}: no ${this.syncedUs ? 'content' : 'sync step 2'} within ${timeoutMs} ms (${what})`,
          ),
        )
        void this.ws?.close()
      }, timeoutMs)
      this.onContent = () => {
        clearTimeout(timer)
        resolve()
      }
      this.ws = new RawWebSocket(spec.url, {
        onOpen: () => {
          if (spec.proto === Proto.hocuspocus)
            this.send(encodeHocuspocusAuth(spec.docName, spec.token))
          this.send(encodeSyncStep1(spec.proto, spec.docName, held?.stateVector))
        },
        onFrame: (buf, start, end) => this.onFrame(buf, start, end),
        onClose: (code) => {
          this.closeCode = code
          this.stats.closes.set(code, (this.stats.closes.get(code) ?? 0) + 1)
          clearTimeout(timer)
          reject(new Error(`client ${spec.id}: closed ${code} before sync`))
        },
        onError: (err) => {
          clearTimeout(timer)
          reject(err)
        },
      })
    })
  }

  send(bytes: Uint8Array): void {
    this.ws?.send(bytes)
  }

  /** Sends one edit carrying a marker stamped with the current time. */
  sendUpdate(): void {
    const sentUs = nowUs()
    const { spec } = this
    const text = markerString('b', spec.id, this.seq, sentUs)
    const origin = this.clock === 0 ? null : this.clock - 1
    this.send(
      encodeMarkerUpdateMessage(spec.proto, spec.docName, this.clientID, this.clock, origin, text),
    )
    this.clock += text.length
    this.seq++
    if (this.stats.inWindow(sentUs)) bump(this.stats.sentByRoom, spec.room)
  }

  /** Sends a cursor move: an awareness state with user, cursor and a marker. */
  sendPresence(): void {
    const sentUs = nowUs()
    const { spec } = this
    const state = {
      user: { name: `bench ${spec.id}`, color: '#30bced', colorLight: '#30bced33' },
      cursor: { anchor: this.clock, head: this.clock },
      m: markerString('a', spec.id, this.presenceSeq, sentUs),
    }
    this.presenceSeq++
    this.send(
      encodeAwarenessMessage(spec.proto, spec.docName, this.clientID, this.presenceSeq, state),
    )
    if (this.stats.inWindow(sentUs)) bump(this.stats.sentPresenceByRoom, spec.room)
  }

  /** Round trip behind everything sent so far: resolves with the size of the next sync step 2. */
  barrier(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`client ${this.spec.id}: barrier timeout`)),
        timeoutMs,
      )
      this.step2Waiters.push((bytes) => {
        clearTimeout(timer)
        resolve(bytes)
      })
      this.send(encodeSyncStep1(this.spec.proto, this.spec.docName))
    })
  }

  /** Like barrier, but hands the raw step-2 bytes to `onPayload` (used to verify convergence). */
  fetchState(timeoutMs: number, onPayload: (update: Uint8Array) => void): Promise<number> {
    this.step2Payload = (buf, start, end) => {
      const dec = decoding.createDecoder(buf.subarray(start, end))
      onPayload(decoding.readVarUint8Array(dec))
    }
    return this.barrier(timeoutMs)
  }

  close(): Promise<void> {
    return this.ws ? this.ws.close() : Promise.resolve()
  }

  /** While connecting: notes when the document has arrived, from a step 2 or update payload. */
  private noteContent(buf: Buffer, start: number, end: number, now: number): void {
    if (!this.onContent || this.contentAtUs) return
    let arrived: boolean
    if (this.held) {
      const at = buf.indexOf(this.held.marker, start)
      arrived = at >= 0 && at + this.held.marker.length <= end
    } else {
      this.contentBytes += end - start
      arrived = this.contentBytes >= this.expectBytes
    }
    if (arrived) this.contentAtUs = now
  }

  /** Resolves the connect once both step 2 and the document are there. */
  private settle(): void {
    if (!this.onContent || !this.syncedUs || !this.contentAtUs) return
    this.contentUs = Math.max(this.syncedUs, this.contentAtUs)
    const done = this.onContent
    this.onContent = null
    done()
  }

  private onFrame(buf: Buffer, start: number, end: number): void {
    const { spec, stats } = this
    const p = bodyOffset(spec.proto, buf, start)
    const type = buf[p]
    if (type === Msg.sync || type === Msg.hpSyncReply) {
      const step = buf[p + 1]
      if (step === SyncStep.update) {
        const now = nowUs()
        if (this.onContent) {
          this.noteContent(buf, p, end, now)
          this.settle()
        }
        readMarkers(buf, p + 2, end, UPDATE_TAG, (sender, seq, sentUs) => {
          stats.lastReceiptUs = now
          if (sender === spec.id) {
            if (stats.inWindow(sentUs)) stats.echoes++
            return
          }
          if (!this.counting || !stats.inWindow(sentUs)) return
          stats.delivered++
          recordUs(stats.updates, now - sentUs)
          const from = stats.instanceOf.get(sender)
          if (spec.instance !== undefined && from !== undefined && from !== spec.instance) {
            stats.crossDelivered++
            recordUs(stats.crossUpdates, now - sentUs)
          }
          const last = this.lastSeq.get(sender)
          if (last !== undefined && seq <= last) stats.outOfOrder++
          this.lastSeq.set(sender, seq)
        })
      } else if (step === SyncStep.step2) {
        if (this.syncedUs === 0) {
          this.syncedUs = nowUs()
          this.step2Bytes = end - p
          this.noteContent(buf, p, end, this.syncedUs)
          this.settle()
          return
        }
        this.step2Bytes = end - p
        if (this.step2Payload) {
          this.step2Payload(buf, p + 2, end)
          this.step2Payload = null
        }
        const waiter = this.step2Waiters.shift()
        if (waiter) waiter(end - p)
      } else if (step === SyncStep.step1) {
        this.send(encodeSyncStep2(spec.proto, spec.docName, EMPTY_UPDATE))
      }
    } else if (type === Msg.awareness) {
      const now = nowUs()
      readMarkers(buf, p + 1, end, AWARENESS_TAG, (sender, _seq, sentUs) => {
        if (sender === spec.id || !this.counting || !stats.inWindow(sentUs)) return
        stats.deliveredPresence++
        recordUs(stats.presence, now - sentUs)
      })
    } else if (type === Msg.hpSyncStatus) {
      stats.acks++
    } else if (type === Msg.auth) {
      // y-websocket: 0 = permission denied; Hocuspocus: 1 = denied, 2 = authenticated
      const sub = buf[p + 1]
      if (spec.proto === Proto.y || sub === 1) stats.error(`client ${spec.id}: permission denied`)
    }
  }
}
