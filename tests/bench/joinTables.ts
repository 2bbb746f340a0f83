/**
 * The time-to-content tables: W2's joins on a large live document and W3's cold loads, each for
 * clients that hold nothing and for clients that reconnect holding the document minus its tail.
 */
import type { ColdPhase } from './coldLoad'
import { f, kb, mark, ms, rowSaturated, table } from './reportFormat'
import type { Results } from './results'

/** W2's join waves, fresh and reconnecting, with the writers' latency during each. */
export function joinsTable(results: Results): string {
  const rows: string[][] = []
  for (const s of results.servers) {
    for (const j of [s.w2?.joins, s.w2?.reconnectJoins]) {
      if (!j) continue
      const sat = rowSaturated(j.writers)
      rows.push([
        s.kind,
        `${j.joiners} in ${j.windowMs / 1000} s`,
        j.reconnecting ? 'all but the tail' : 'nothing',
        kb(j.docBytes),
        mark(ms(j.ttfc.p50), sat),
        mark(ms(j.ttfc.p99), sat),
        mark(ms(j.ttfc.max), sat),
        kb(j.step2Bytes?.p50 ?? NaN),
        String(j.failures),
        mark(ms(j.writers.latency.p99), sat),
        j.writers.serverEld ? ms(j.writers.serverEld.maxMs) : 'n/a',
        `${f(j.writers.loadgen.cpuPct, 0)}%`,
      ])
    }
  }
  return table(
    [
      'server',
      'joins',
      'joiner holds',
      'doc KB',
      'time to content p50 ms',
      'p99 ms',
      'max ms',
      'step 2 KB p50',
      'failed',
      'writers p99 during ms',
      'server ELD max ms',
      'LG CPU',
    ],
    rows,
  )
}

function coldRow(kind: string, name: string, phase: ColdPhase, notes: string): string[] {
  const sat = phase.loadgenSaturated ?? false
  const p99Of = (size: number) => mark(ms(phase.ttfcBySize[size]?.p99 ?? NaN), sat)
  return [
    kind,
    `${phase.rooms} ${name} in ${f(phase.arrivalMs / 1000, 1)} s`,
    phase.reconnecting ? 'all but the tail' : 'nothing',
    mark(ms(phase.ttfc.p50), sat),
    mark(ms(phase.ttfc.p99), sat),
    mark(ms(phase.ttfc.max), sat),
    p99Of(40_000),
    p99Of(160_000),
    p99Of(640_000),
    ms(phase.firstSync.p99),
    kb(phase.step2Bytes?.p50 ?? NaN),
    String(phase.contentAfterSync),
    `${ms(phase.eldP99Ms)} / ${ms(phase.eldMaxMs)}`,
    String(phase.contentMissing),
    `${f(phase.loadgenCpuPct ?? NaN, 0)}%`,
    `${f(phase.otherLoadPct, 0)}%`,
    notes,
  ]
}

/** W3's waves: paced and at once, fresh and (after another restart) reconnecting. */
export function coldTable(results: Results): string {
  const rows: string[][] = []
  for (const s of results.servers) {
    const c = s.w3
    if (!c) continue
    const stored = `${f(c.storedBytes / 1e6, 1)} MB stored in ${f(c.populateS, 0)} s; ${f(c.loadedKBPerRoom, 0)} KB/room loaded, ${f(c.retainedKBPerRoom, 0)} KB/room ${c.idleWaitS} s after close`
    rows.push(coldRow(s.kind, 'paced', c.paced, stored), coldRow(s.kind, 'at once', c.storm, ''))
    if (c.reconnect) {
      rows.push(
        coldRow(s.kind, 'paced', c.reconnect.paced, 'after another restart'),
        coldRow(s.kind, 'at once', c.reconnect.storm, ''),
      )
    }
  }
  return table(
    [
      'server',
      'rooms opened',
      'client holds',
      'to content p50 ms',
      'p99 ms',
      'max ms',
      '40 KB p99',
      '160 KB p99',
      '640 KB p99',
      'first sync p99 ms',
      'step 2 KB p50',
      'content after sync',
      'ELD p99/max ms',
      'missing',
      'LG CPU',
      'other CPU',
      'notes',
    ],
    rows,
  )
}
