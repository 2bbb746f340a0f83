/** Turning an engine's raw result into the outcome a host reports: bounded text, a decided status. */
import { MAX_CASES, MAX_OUTPUT_CHARS, runStatusOf, truncateText, type Outcome } from '../runs'
import type { RawCase, RawOutcome } from './types'

/** A case as reported: its name and message cut to what the `runs` map holds. */
export function toCase(c: RawCase): Outcome['cases'][number] {
  return {
    name: c.name.slice(0, 480),
    status: c.status,
    ...(c.message !== undefined ? { message: truncateText(c.message, 400) } : {}),
  }
}

/** The outcome of a whole subject; `ms` is the time the host measured around the engine's run. */
export function toOutcome(raw: RawOutcome, ms: number): Outcome {
  const cases = raw.cases.slice(0, MAX_CASES).map(toCase)
  return {
    status: raw.timedOut ? 'timeout' : runStatusOf(cases, raw.error !== null),
    cases,
    duration_ms: ms,
    ...(raw.error ? { error: truncateText(raw.error, 400) } : {}),
    stdout: truncateText(raw.stdout, MAX_OUTPUT_CHARS),
    stderr: truncateText(raw.stderr, MAX_OUTPUT_CHARS),
    ...(raw.flags?.length ? { flags: [...new Set(raw.flags)].slice(0, 16) } : {}),
  }
}
