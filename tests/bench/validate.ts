/**
 * Small-scale check with real providers: the load generator's edits are real Yjs updates that a
 * stock client applies, its marker scan sees a real client's edits, and everyone converges.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { nowUs, type ClientSpec } from './loadgen/benchClient'
import {
  createLatencyHistogram,
  recordUs,
  summarize,
  type LatencySummary,
} from './loadgen/histogram'
import { measure } from './measure'
import { BENCH_ROOT, markerString, Proto, readMarkers, UPDATE_TAG } from './loadgen/wire'
import type { ServerUnderTest } from './servers/adapters'
import type { Ctx } from './workloads'

/** What the check found; `ok` needs every count to match and the documents to be equal. */
export interface ValidationResult {
  provider: string
  benchSent: number
  benchDeliveredRatio: number
  providerSent: number
  providerSawBenchEdits: number
  providerExpectedBenchEdits: number
  serverStateMissing: number
  converged: boolean
  benchLatency: LatencySummary
  providerLatency: LatencySummary
  ok: boolean
}

const PROVIDER_ID = 999_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface RealPeer {
  doc: Y.Doc
  synced: Promise<void>
  destroy(): void
}

/** A stock provider for the server's protocol, connected to the same URL the bench clients use. */
function connectPeer(spec: ClientSpec): RealPeer {
  const doc = new Y.Doc()
  if (spec.proto === Proto.hocuspocus) {
    const socket = new HocuspocusProviderWebsocket({ url: spec.url, WebSocketPolyfill: WebSocket })
    const provider = new HocuspocusProvider({
      websocketProvider: socket,
      name: spec.docName,
      document: doc,
      token: spec.token,
    })
    provider.attach() // a provider given its socket does not attach by itself
    const synced = new Promise<void>((resolve) => provider.on('synced', () => resolve()))
    return {
      doc,
      synced,
      destroy: () => {
        provider.destroy()
        socket.destroy()
        doc.destroy()
      },
    }
  }
  const u = new URL(spec.url)
  const cut = u.pathname.lastIndexOf('/')
  const provider = new WebsocketProvider(
    `ws://${u.host}${u.pathname.slice(0, cut)}`,
    u.pathname.slice(cut + 1),
    doc,
    {
      params: Object.fromEntries(u.searchParams),
      WebSocketPolyfill: WebSocket as never,
      disableBc: true,
    },
  )
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve()
    provider.on('sync', (s: boolean) => s && resolve())
  })
  return { doc, synced, destroy: () => (provider.destroy(), doc.destroy()) }
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`validation: timed out waiting for ${what}`)), ms)
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export async function validateWithProviders(
  ctx: Ctx,
  srv: ServerUnderTest,
): Promise<ValidationResult> {
  const { lg, plan } = ctx
  const [room] = await srv.createRooms('validate', 1)
  const specs = Array.from({ length: plan.validate.clients }, (_v, i) =>
    srv.clientSpec(990_000 + i, room),
  )
  const peerSpec = srv.clientSpec(PROVIDER_ID, room)
  const a = connectPeer(peerSpec)
  let b: RealPeer | null = null
  try {
    await within(a.synced, 10_000, 'the provider to sync')
    await lg.call({
      op: 'connect',
      clients: specs,
      arrivalMs: 0,
      concurrency: 10,
      counting: true,
      timeoutMs: 10_000,
    })
    // the real provider measures what it receives, applying every update with Yjs
    const providerHist = createLatencyHistogram()
    let seenBench = 0
    let window = { fromUs: Infinity, toUs: -Infinity }
    a.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === null) return // its own edit
      const now = nowUs()
      const bytes = Buffer.from(update)
      readMarkers(bytes, 0, bytes.length, UPDATE_TAG, (sender, _seq, sentUs) => {
        if (sender === PROVIDER_ID) return
        seenBench++
        if (sentUs >= window.fromUs && sentUs < window.toUs) recordUs(providerHist, now - sentUs)
      })
    })
    const text = a.doc.getText(BENCH_ROOT)
    let providerSent = 0
    let providerSentInWindow = 0
    let writing = true
    const writer = (async () => {
      while (writing) {
        const sentUs = nowUs()
        text.insert(text.length, markerString('b', PROVIDER_ID, providerSent++, sentUs))
        if (sentUs >= window.fromUs && sentUs < window.toUs) providerSentInWindow++
        await sleep(1000 / plan.validate.ratePerSec)
      }
    })()
    const warmupS = 0.3
    const row = await measure(ctx, srv, {
      workload: 'validate',
      senders: specs.map((s) => s.id),
      ratePerSec: plan.validate.ratePerSec,
      presence: false,
      warmupS,
      measureS: plan.validate.seconds,
      receiversByRoom: new Map([[room, specs.length]]),
      repeatable: false,
      onWindow: (fromUs, toUs) => {
        window = { fromUs, toUs }
      },
    })
    writing = false
    await writer
    const verify = await lg.call({
      op: 'verify',
      clients: [srv.clientSpec(990_100, room)],
      timeoutMs: 10_000,
    })
    const benchSent = verify.markersExpected
    // bench clients also received the provider's markers: those count too
    const benchExpected = row.expected + providerSentInWindow * specs.length
    const deadline = Date.now() + 5_000
    while (seenBench < benchSent && Date.now() < deadline) await sleep(50)
    b = connectPeer(srv.clientSpec(PROVIDER_ID + 1, room))
    await within(b.synced, 10_000, 'a second provider to sync')
    await sleep(200)
    const converged = b.doc.getText(BENCH_ROOT).toString() === text.toString()
    const result: ValidationResult = {
      provider:
        specs[0].proto === Proto.hocuspocus
          ? 'HocuspocusProvider 3.4.4'
          : 'y-websocket 3.1.0 WebsocketProvider',
      benchSent,
      benchDeliveredRatio: row.delivered / benchExpected,
      providerSent,
      providerSawBenchEdits: seenBench,
      providerExpectedBenchEdits: benchSent,
      serverStateMissing: verify.markersMissing,
      converged,
      benchLatency: row.latency,
      providerLatency: summarize(providerHist),
      ok: false,
    }
    result.ok =
      converged &&
      verify.markersMissing === 0 &&
      seenBench === benchSent &&
      row.delivered === benchExpected &&
      benchSent > 0
    return result
  } finally {
    a.destroy()
    b?.destroy()
    await lg.call({ op: 'close' })
  }
}
