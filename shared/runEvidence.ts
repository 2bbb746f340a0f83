/**
 * The browser's run of a subject beside the server's: what each says, and whether they disagree.
 * Two runs are compared only when they ran the same tests against the same code (equal hashes);
 * runs of different texts are not a disagreement, one of them is of older texts. A flagged pass
 * never counts as a pass, here as everywhere.
 */
import type { RunResult } from './schema'
import { countsAsPass } from './runs'

/** What one run says, as the matrix names it: a flagged pass is its own verdict, never `pass`. */
export type RunVerdict = 'pass' | 'flagged-pass' | 'fail' | 'error' | 'timeout'

/** The verdict of `run`: `flagged-pass` for a pass that carries tampering flags. */
export function runVerdict(run: RunResult): RunVerdict {
  if (run.status === 'pass') return countsAsPass(run) ? 'pass' : 'flagged-pass'
  return run.status
}

/** The hashes of the texts a workspace holds now, when known. */
export interface CurrentHashes {
  tests: string
  code: string
}

/**
 * How a subject's browser run and server run relate:
 * - `none`, `browser-only`, `server-only`: at most one of them exists;
 * - `agree`: both ran the same texts and both count as a pass, or both do not;
 * - `disagree`: both ran the same texts and exactly one counts as a pass;
 * - `server-older` / `browser-older`: they ran different texts; the named one ran the older texts
 *   (decided by the current hashes when given, else by when each ran).
 */
export type EvidenceComparison =
  | { kind: 'none' }
  | { kind: 'browser-only' }
  | { kind: 'server-only' }
  | { kind: 'agree'; browser: RunVerdict; server: RunVerdict }
  | { kind: 'disagree'; browser: RunVerdict; server: RunVerdict }
  | { kind: 'server-older' }
  | { kind: 'browser-older' }

/** Whether two runs ran the same tests against the same code. */
export function sameTexts(a: RunResult, b: RunResult): boolean {
  return a.tests_sha256 === b.tests_sha256 && a.code_sha256 === b.code_sha256
}

function ranCurrent(run: RunResult, current: CurrentHashes): boolean {
  return run.tests_sha256 === current.tests && run.code_sha256 === current.code
}

/** Compares a subject's browser run with its server run (see EvidenceComparison). */
export function compareEvidence(
  browser: RunResult | undefined,
  server: RunResult | undefined,
  current?: CurrentHashes | null,
): EvidenceComparison {
  if (!browser && !server) return { kind: 'none' }
  if (!server) return { kind: 'browser-only' }
  if (!browser) return { kind: 'server-only' }
  if (!sameTexts(browser, server)) {
    if (current) {
      const serverCurrent = ranCurrent(server, current)
      const browserCurrent = ranCurrent(browser, current)
      if (browserCurrent && !serverCurrent) return { kind: 'server-older' }
      if (serverCurrent && !browserCurrent) return { kind: 'browser-older' }
    }
    // Neither (or both, impossible) ran the current texts: the one that ran first is the older.
    return Date.parse(server.ran_at) <= Date.parse(browser.ran_at) ? { kind: 'server-older' } : { kind: 'browser-older' }
  }
  const b = runVerdict(browser)
  const s = runVerdict(server)
  return countsAsPass(browser) === countsAsPass(server) ? { kind: 'agree', browser: b, server: s } : { kind: 'disagree', browser: b, server: s }
}

/** How the matrix and the checks name a verdict. */
export function describeVerdict(verdict: RunVerdict): string {
  return verdict === 'flagged-pass' ? 'flagged pass' : verdict
}

/** The sentence the lead reads for a disagreement, e.g. "the browser run passes, the server run fails". */
export function describeDisagreement(c: { browser: RunVerdict; server: RunVerdict }): string {
  return `browser and server disagree: the browser run says ${describeVerdict(c.browser)}, the server run says ${describeVerdict(c.server)} on the same code and tests`
}

/** The subjects, in the order given, whose browser and server runs of the same texts disagree. */
export function disagreements(
  subjects: readonly string[],
  browserRun: (key: string) => RunResult | undefined,
  serverRun: (key: string) => RunResult | undefined,
): { subject: string; browser: RunVerdict; server: RunVerdict }[] {
  const out: { subject: string; browser: RunVerdict; server: RunVerdict }[] = []
  for (const subject of subjects) {
    const c = compareEvidence(browserRun(subject), serverRun(subject))
    if (c.kind === 'disagree') out.push({ subject, browser: c.browser, server: c.server })
  }
  return out
}
