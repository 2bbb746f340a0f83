/**
 * Readers for /proc: CPU time, resident memory and bytes written of one process, and the size of a
 * data directory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import * as path from 'node:path'

const CLOCK_TICKS_PER_S = 100 // getconf CLK_TCK on Linux x86-64

/** One reading of a process; differences of two give CPU and I/O over a window. */
export interface ProcSample {
  atMs: number
  cpuMs: number
  rssKB: number
  writeBytes: number
}

/** user+sys CPU of every thread of `pid`, in ms (10 ms resolution). */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S
}

export function readRssKB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = /VmRSS:\s+(\d+) kB/.exec(status)
  return m ? Number(m[1]) : NaN
}

/** Bytes this process sent to the storage layer (counted when pages are dirtied, so no lag). */
export function readWriteBytes(pid: number): number {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8')
    const m = /write_bytes:\s+(\d+)/.exec(io)
    return m ? Number(m[1]) : NaN
  } catch {
    return NaN
  }
}

export function sample(pid: number): ProcSample {
  try {
    return {
      atMs: performance.now(),
      cpuMs: readCpuMs(pid),
      rssKB: readRssKB(pid),
      writeBytes: readWriteBytes(pid),
    }
  } catch {
    return { atMs: performance.now(), cpuMs: NaN, rssKB: NaN, writeBytes: NaN }
  }
}

/** Busy time (ms) of every CPU since boot, from /proc/stat: everything but idle and iowait. */
export function readCpuBusyMs(): number[] {
  const out: number[] = []
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+) (.*)$/.exec(line)
    if (!m) continue
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = m[2]
      .trim()
      .split(/\s+/)
      .map(Number)
    out[Number(m[1])] =
      ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / CLOCK_TICKS_PER_S
  }
  return out
}

/**
 * CPU that other processes took from the cores we use, in % of one core: per pinned core, its
 * busy time minus what our own process on it used. Other engineers' tests and browsers on this
 * machine show up here, and a high value means the row's latency is not the server's alone.
 */
export function otherLoadPct(
  busy0: number[],
  busy1: number[],
  ownMsByCore: Map<number, number>,
  seconds: number,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [core, ownMs] of ownMsByCore) {
    const busyMs = (busy1[core] ?? 0) - (busy0[core] ?? 0)
    out[`cpu${core}`] = Math.max(0, ((busyMs - ownMs) / (seconds * 1000)) * 100)
  }
  return out
}

/** Total size of the files under `dir`. */
export function dirBytes(dir: string): number {
  let total = 0
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return 0
  }
  for (const name of entries) {
    const p = path.join(dir, name)
    try {
      const st = statSync(p)
      total += st.isDirectory() ? dirBytes(p) : st.size
    } catch {
      // a file removed while we walk (compaction) is simply not counted
    }
  }
  return total
}
