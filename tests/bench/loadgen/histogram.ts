/** Latency recording of the benchmark: Node's HDR histogram (`perf_hooks.createHistogram`). */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'

// A hand-written bucket histogram stood here once. It recorded in ~10 ns against
// createHistogram's ~40 ns (measured on this machine, 5 M records), so ~0.03 µs per delivery
// against the load generator's 9–18 µs: it did not pay, and HDR's 3 significant digits are finer
// above 10 ms than its 1 ms buckets were.

/** Summary in milliseconds, the unit of every latency figure in the report. */
export interface LatencySummary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** A histogram of latencies in µs, precise to 3 significant digits (0.1%). */
export type LatencyHistogram = RecordableHistogram

/** A new, empty latency histogram. */
export const createLatencyHistogram = (): LatencyHistogram => createHistogram()

/** Records one latency in µs; HDR takes integers ≥ 1, so sub-µs readings count as 1 µs. */
export function recordUs(h: LatencyHistogram, us: number): void {
  h.record(Math.max(1, Math.round(us)))
}

/** Percentiles in ms (HDR's highest equivalent value of each, within 0.1%). */
export function summarize(h: LatencyHistogram): LatencySummary {
  if (h.count === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN }
  return {
    count: h.count,
    p50: h.percentile(50) / 1000,
    p95: h.percentile(95) / 1000,
    p99: h.percentile(99) / 1000,
    max: h.max / 1000,
    mean: h.mean / 1000,
  }
}
