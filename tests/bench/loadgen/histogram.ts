/** Latency histogram of the benchmark: fixed log-linear buckets, mergeable across processes. */

// 10 µs buckets below 10 ms, 1 ms buckets up to 1 s, 100 ms buckets up to ~101 s.
const FINE_LIMIT_US = 10_000
const FINE_STEP_US = 10
const MID_LIMIT_US = 1_000_000
const MID_STEP_US = 1_000
const COARSE_STEP_US = 100_000
const FINE_BUCKETS = FINE_LIMIT_US / FINE_STEP_US
const MID_BUCKETS = (MID_LIMIT_US - FINE_LIMIT_US) / MID_STEP_US
const COARSE_BUCKETS = 1_000
const BUCKETS = FINE_BUCKETS + MID_BUCKETS + COARSE_BUCKETS

/** Plain-data form of a histogram, as it travels over IPC and into results JSON. */
export interface HistogramData {
  counts: number[]
  count: number
  minUs: number
  maxUs: number
  sumUs: number
}

/** Summary in milliseconds, the unit of every latency figure in the report. */
export interface LatencySummary {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

function bucketOf(us: number): number {
  if (us < FINE_LIMIT_US) return Math.floor(us / FINE_STEP_US)
  if (us < MID_LIMIT_US) return FINE_BUCKETS + Math.floor((us - FINE_LIMIT_US) / MID_STEP_US)
  return Math.min(
    BUCKETS - 1,
    FINE_BUCKETS + MID_BUCKETS + Math.floor((us - MID_LIMIT_US) / COARSE_STEP_US),
  )
}

function upperBoundOf(bucket: number): number {
  if (bucket < FINE_BUCKETS) return (bucket + 1) * FINE_STEP_US
  if (bucket < FINE_BUCKETS + MID_BUCKETS) {
    return FINE_LIMIT_US + (bucket - FINE_BUCKETS + 1) * MID_STEP_US
  }
  return MID_LIMIT_US + (bucket - FINE_BUCKETS - MID_BUCKETS + 1) * COARSE_STEP_US
}

/**
 * Records latencies in µs at O(1) cost; percentiles are bucket upper bounds (≤ 10 µs error below 10
 * ms).
 */
export class Histogram {
  counts = new Uint32Array(BUCKETS)
  count = 0
  minUs = Infinity
  maxUs = 0
  sumUs = 0

  record(us: number): void {
    const v = us < 0 ? 0 : us
    this.counts[bucketOf(v)]++
    this.count++
    this.sumUs += v
    if (v < this.minUs) this.minUs = v
    if (v > this.maxUs) this.maxUs = v
  }

  reset(): void {
    this.counts.fill(0)
    this.count = 0
    this.minUs = Infinity
    this.maxUs = 0
    this.sumUs = 0
  }

  toData(): HistogramData {
    return {
      counts: Array.from(this.counts),
      count: this.count,
      minUs: this.minUs,
      maxUs: this.maxUs,
      sumUs: this.sumUs,
    }
  }
}

/** Adds histograms from several load-generator processes or phases. */
export function mergeHistograms(list: HistogramData[]): HistogramData {
  const out: HistogramData = {
    counts: new Array(BUCKETS).fill(0),
    count: 0,
    minUs: Infinity,
    maxUs: 0,
    sumUs: 0,
  }
  for (const h of list) {
    for (let i = 0; i < BUCKETS; i++) out.counts[i] += h.counts[i] ?? 0
    out.count += h.count
    out.sumUs += h.sumUs
    out.minUs = Math.min(out.minUs, h.minUs)
    out.maxUs = Math.max(out.maxUs, h.maxUs)
  }
  return out
}

/** Percentiles in ms; the max is exact, the others are bucket upper bounds capped at the max. */
export function summarize(h: HistogramData): LatencySummary {
  const at = (q: number): number => {
    if (h.count === 0) return NaN
    const rank = Math.ceil(q * h.count)
    let seen = 0
    for (let i = 0; i < h.counts.length; i++) {
      seen += h.counts[i]
      if (seen >= rank) return Math.min(upperBoundOf(i), h.maxUs) / 1000
    }
    return h.maxUs / 1000
  }
  return {
    count: h.count,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: h.count ? h.maxUs / 1000 : NaN,
    mean: h.count ? h.sumUs / h.count / 1000 : NaN,
  }
}
