/**
 * Preloaded (`--import`) into every benchmarked server, codejury's included: answers event-loop, GC
 * and memory probes over the IPC channel, and does nothing else.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'

/** A probe request from the orchestrator; every reply echoes `probeId`. */
export interface ProbeRequest {
  probeId: number
  probe: 'reset' | 'read' | 'gc'
}

/** Event-loop figures since the last reset; delays exclude the sampling interval. */
export interface ProbeReply {
  probeId: number
  eldP50Ms: number
  eldP99Ms: number
  eldMaxMs: number
  elu: number
  heapUsedBytes: number
}

const RESOLUTION_MS = 2

if (process.send) {
  const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  eld.enable()
  let eluStart = performance.eventLoopUtilization()
  const toMs = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0)
  process.on('message', (msg: ProbeRequest) => {
    if (!msg || typeof msg !== 'object' || typeof msg.probeId !== 'number') return
    if (msg.probe === 'gc') (globalThis as { gc?: () => void }).gc?.()
    const reply: ProbeReply = {
      probeId: msg.probeId,
      eldP50Ms: toMs(eld.percentile(50)),
      eldP99Ms: toMs(eld.percentile(99)),
      eldMaxMs: toMs(eld.max),
      elu: performance.eventLoopUtilization(eluStart).utilization,
      heapUsedBytes: process.memoryUsage().heapUsed,
    }
    if (msg.probe === 'reset') {
      eld.reset()
      eluStart = performance.eventLoopUtilization()
    }
    process.send?.(reply)
  })
  // the channel must not keep a server alive that wants to exit
  process.channel?.unref()
}
