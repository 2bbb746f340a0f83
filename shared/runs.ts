/** Test runs (docs/sandbox.md#test-format): sandbox messages, outcomes, checks. */
import * as v from 'valibot'
import type { RunCase, RunResult, RunStatus } from './schema'
import type { ReportedRun } from './runReport'

/** Longest code or tests text the sandbox accepts in one run request. */
export const MAX_RUN_SOURCE_CHARS = 200_000
/** Captured stdout/stderr beyond this many characters is cut (with a note) before it is shown. */
export const MAX_OUTPUT_CHARS = 4_000
/** A case message beyond this many characters is cut: it lands in the shared `runs` map. */
export const MAX_CASE_MESSAGE_CHARS = 500
/** At most this many cases per run are kept; more is a suite nobody reads in a matrix. */
export const MAX_CASES = 200
/** Bounds on the per-subject time limit a batch may set. */
export const MIN_RUN_TIMEOUT_MS = 100
export const MAX_RUN_TIMEOUT_MS = 60_000

/** Languages the sandbox runs; every other task language shows "cannot run" instead of a button. */
export const RunLanguage = { python: 'python', javascript: 'javascript', typescript: 'typescript' } as const
export type RunLanguage = (typeof RunLanguage)[keyof typeof RunLanguage]

/** The runtime a language needs: Python on Pyodide, JavaScript and TypeScript on QuickJS. */
export function runtimeOf(language: RunLanguage): 'python' | 'js' {
  return language === RunLanguage.python ? 'python' : 'js'
}

/** The sandbox language for a task language, or null when nothing here can run it. */
export function toRunLanguage(language: string): RunLanguage | null {
  const l = language.toLowerCase()
  if (l === 'python' || l === 'py') return RunLanguage.python
  if (l === 'javascript' || l === 'js') return RunLanguage.javascript
  if (l === 'typescript' || l === 'ts') return RunLanguage.typescript
  return null
}

const LanguageSchema = v.picklist(Object.values(RunLanguage))
const IdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,80}$/))
const Source = v.pipe(v.string(), v.maxLength(MAX_RUN_SOURCE_CHARS))

/** Page → sandbox frame. `warm` starts a runtime early; `run` runs one subject against the tests. */
export const ToSandboxSchema = v.variant('type', [
  v.strictObject({ type: v.literal('warm'), language: LanguageSchema }),
  v.strictObject({
    type: v.literal('run'),
    id: IdSchema,
    language: LanguageSchema,
    code: Source,
    tests: Source,
    timeout_ms: v.pipe(v.number(), v.integer(), v.minValue(MIN_RUN_TIMEOUT_MS), v.maxValue(MAX_RUN_TIMEOUT_MS)),
    /** The task's entry point: what a HumanEval-style `check(candidate)` is called with. */
    entry_point: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z_$][\w$]{0,127}$/))),
  }),
])
export type ToSandbox = v.InferOutput<typeof ToSandboxSchema>

/** One case's result as the sandbox reports it (the worker streams them as cases end). */
export const CaseSchema = v.strictObject({
  name: v.pipe(v.string(), v.maxLength(MAX_CASE_MESSAGE_CHARS)),
  status: v.picklist(['pass', 'fail', 'error']),
  message: v.optional(v.pipe(v.string(), v.maxLength(MAX_CASE_MESSAGE_CHARS))),
})

/** What one subject's run gave, before the page adds who, when and the hashes. */
export const OutcomeSchema = v.strictObject({
  status: v.picklist(['pass', 'fail', 'error', 'timeout']),
  cases: v.pipe(v.array(CaseSchema), v.maxLength(MAX_CASES)),
  duration_ms: v.pipe(v.number(), v.minValue(0)),
  /** Why the subject could not run at all (a syntax error, an exception while loading, a timeout). */
  error: v.optional(v.pipe(v.string(), v.maxLength(MAX_CASE_MESSAGE_CHARS))),
  stdout: v.pipe(v.string(), v.maxLength(MAX_OUTPUT_CHARS + 100)),
  stderr: v.pipe(v.string(), v.maxLength(MAX_OUTPUT_CHARS + 100)),
  /** The runner itself failed (a runtime that did not start): no evidence about the subject, never stored. */
  infra: v.optional(v.literal(true)),
  /** Tampering the runner saw and could not prevent (RunFlag); a flagged pass never counts as a pass. */
  flags: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/))), v.maxLength(16))),
})
export type Outcome = v.InferOutput<typeof OutcomeSchema>

/** Sandbox frame → page: the frame is listening, a run's progress, a run's outcome. */
export const FromSandboxSchema = v.variant('type', [
  v.strictObject({ type: v.literal('ready') }),
  v.strictObject({ type: v.literal('warmed'), language: LanguageSchema, ms: v.number() }),
  v.strictObject({ type: v.literal('progress'), id: IdSchema, done: v.number(), total: v.number() }),
  v.strictObject({ type: v.literal('result'), id: IdSchema, outcome: OutcomeSchema }),
])
export type FromSandbox = v.InferOutput<typeof FromSandboxSchema>

/**
 * The message of a case stopped at its own time limit (`test(name, fn, { timeout_ms })` in
 * JavaScript, `@time_limit(ms)` in Python). Such a case is a `fail`, not a new case status: the
 * code ran and was too slow, which is what an efficiency test asserts; the subject's own status
 * stays pass/fail/error/timeout (docs/protocol.md#the-runs-map).
 */
export function caseLimitMessage(limitMs: number): string {
  return `exceeded its ${limitMs} ms limit`
}

/** Whether a case's message says it was stopped at its own limit (the matrix marks it ⏱, not ✗). */
export function isCaseLimitMessage(message: string | undefined): boolean {
  return message !== undefined && /^exceeded its \d+(?:\.\d+)? ms limit$/.test(message)
}

/** Cuts `text` to `max` characters, saying how much was cut, so a flood never reaches the doc. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}… (${text.length - max} more characters cut)`
}

/**
 * The status of a whole run from its cases: pass only when there is at least one case and all
 * pass; `error` when the subject could not run; `timeout` is decided by whoever stopped it.
 */
export function runStatusOf(cases: readonly RunCase[], loadError: boolean): RunStatus {
  if (loadError) return 'error'
  if (cases.length === 0) return 'error'
  return cases.every((c) => c.status === 'pass') ? 'pass' : 'fail'
}

/**
 * Tampering a runner flags on a run: what it saw and could not prevent. `harness`: the code
 * patched the runtime the tests use (the standard library, builtins, intrinsics) or reached for
 * the harness; `eq-override`: it defines an object equal to everything; `frame-introspection`: it
 * read the frames of its callers (the tests' locals, constants or globals); `exit`: it exited early.
 */
export const RunFlag = { harness: 'harness', eqOverride: 'eq-override', frameIntrospection: 'frame-introspection', exit: 'exit' } as const
export type RunFlag = (typeof RunFlag)[keyof typeof RunFlag]

/** What the matrix says about a flag (an unknown one is named as it is). */
export function describeFlag(flag: string): string {
  switch (flag) {
    case RunFlag.harness:
      return 'the code patched the runtime or reached for the test harness'
    case RunFlag.eqOverride:
      return 'the code defines an object that equals everything'
    case RunFlag.frameIntrospection:
      return "the code read its callers' frames (the tests' values)"
    case RunFlag.exit:
      return 'the code exited early instead of returning'
    default:
      return flag
  }
}

/** The case a run shows when it has none: why nothing ran ("no tests found: …"), never a silent 0/0. */
export function casesOf(outcome: Outcome): RunCase[] {
  if (outcome.cases.length > 0) return outcome.cases.map((c) => ({ ...c }))
  const error = outcome.error?.trim() || noCaseReason(outcome)
  const name = error.startsWith('no tests found') ? 'no tests found' : outcome.status === 'timeout' ? 'time limit' : 'loading'
  return [{ name, status: 'error', message: error.slice(0, MAX_CASE_MESSAGE_CHARS) }]
}

/** Why a run with no case and no error message ran nothing, from what it did show. */
export function noCaseReason(outcome: Pick<Outcome, 'status' | 'flags'>): string {
  if (outcome.flags?.includes('exit')) return 'the subject exited before its tests ran (sys.exit, os._exit or SystemExit)'
  if (outcome.status === 'timeout') return 'the subject was stopped at its time limit before any case ended'
  return 'no case ran, and the runner gave no reason'
}

/**
 * The run a browser reports for an outcome (`POST /api/tasks/:id/runs`): counts, hashes, cases and
 * flags; the server adds who ran it and when. A run with no case carries its reason as one case.
 */
export function toReportedRun(outcome: Outcome, hashes: { testsSha256: string; codeSha256: string }): ReportedRun {
  const cases = casesOf(outcome)
  const passed = cases.filter((c) => c.status === 'pass').length
  const status = outcome.status === 'pass' && (cases.length === 0 || passed < cases.length) ? 'fail' : outcome.status
  return {
    status,
    passed,
    failed: cases.length - passed,
    total: cases.length,
    duration_ms: Math.round(outcome.duration_ms),
    tests_sha256: hashes.testsSha256,
    code_sha256: hashes.codeSha256,
    cases,
    ...(outcome.flags?.length ? { flags: [...outcome.flags] } : {}),
  }
}

/** Whether a run counts as a pass in derived checks: a flagged pass never does. */
export function countsAsPass(run: RunResult | undefined): boolean {
  return run !== undefined && run.status === 'pass' && !(run.flags && run.flags.length > 0)
}

/** A run is stale when the tests or the subject's code changed since it ran. */
export function isStale(run: RunResult, testsSha256: string, codeSha256: string): boolean {
  return run.tests_sha256 !== testsSha256 || run.code_sha256 !== codeSha256
}

/** What the runs say about the work, shown in the workspace and gating finalize. */
export interface RunChecks {
  /** The tests pass the reference solution; null until it has run. */
  reference_passes: boolean | null
  /** The tests fail at least one candidate (a suite that passes everything tells nothing); null before any candidate run. */
  suite_fails_a_candidate: boolean | null
  /** Pairs where a candidate that fails a case is ranked above one that passes every case. */
  contradictions: { above: string; below: string }[]
}

/** A subject's run as an own property of `runs`: an id such as `constructor` never reads an inherited value. */
function runOf(runs: Readonly<Record<string, RunResult>>, key: string): RunResult | undefined {
  return Object.hasOwn(runs, key) ? runs[key] : undefined
}

/**
 * Derives the checks from current (not stale) runs and the ranking, best first. A contradiction
 * is a candidate whose run does not count as a pass ranked above one whose run does; a flagged
 * pass counts as a failure everywhere here.
 */
export function runChecks(runs: Readonly<Record<string, RunResult>>, candidates: readonly string[], ranking: readonly string[]): RunChecks {
  const reference = runOf(runs, 'solution')
  const ran = candidates.filter((c) => runOf(runs, c))
  const contradictions: { above: string; below: string }[] = []
  ranking.forEach((above, i) => {
    const a = runOf(runs, above)
    if (!a || countsAsPass(a)) return
    for (const below of ranking.slice(i + 1)) {
      if (countsAsPass(runOf(runs, below))) contradictions.push({ above, below })
    }
  })
  return {
    reference_passes: reference ? countsAsPass(reference) : null,
    suite_fails_a_candidate: ran.length === 0 ? null : ran.some((c) => !countsAsPass(runOf(runs, c))),
    contradictions,
  }
}

/**
 * The runs that ran the workspace's current tests against the subject's current code: the only
 * ones finalize weighs and a record holds. `hash` is SHA-256 hex (Web Crypto in the page, lib0
 * elsewhere). Built from entries, so a subject id such as `__proto__` stays an own key.
 */
export function currentRuns(
  runs: Readonly<Record<string, RunResult>>,
  tests: string,
  codeOf: (key: string) => string | undefined,
  hash: (text: string) => string,
): Record<string, RunResult> {
  const testsSha = hash(tests)
  return Object.fromEntries(
    Object.entries(runs).filter(([key, run]) => {
      const code = codeOf(key)
      return code !== undefined && !isStale(run, testsSha, hash(code))
    }),
  )
}
