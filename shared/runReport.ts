/**
 * A browser's report of one run (`POST /api/tasks/:id/runs`): the subject and what its run gave.
 * The server checks it against these bounds, stamps `ran_by` and `ran_at` itself, and writes it
 * into the workspace's `runs` map; nothing a client writes into that map directly is accepted.
 */
import * as v from 'valibot'

/** At most this many cases per reported run (the sandbox keeps no more). */
export const MAX_REPORTED_CASES = 200
/** Longest case name or message in a reported run, in characters. */
export const MAX_REPORTED_MESSAGE_CHARS = 2_000
/** At most this many tampering flags per run, each a short lowercase word (`harness`, `eq-override`). */
export const MAX_RUN_FLAGS = 16
/** Longest duration a run may report: far beyond any time limit a batch can set. */
export const MAX_RUN_DURATION_MS = 3_600_000

const Sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex'))
const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_REPORTED_CASES))
const Text = v.pipe(v.string(), v.maxLength(MAX_REPORTED_MESSAGE_CHARS, `must be at most ${MAX_REPORTED_MESSAGE_CHARS} characters`))

const ReportedCaseSchema = v.strictObject({
  name: Text,
  status: v.picklist(['pass', 'fail', 'error']),
  message: v.optional(Text),
})

/** One run as a browser reports it: the `runs` value of docs/protocol.md#the-runs-map without `ran_by` and `ran_at`. */
export const ReportedRunSchema = v.pipe(
  v.strictObject({
    status: v.picklist(['pass', 'fail', 'error', 'timeout']),
    passed: Count,
    failed: Count,
    total: Count,
    duration_ms: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_RUN_DURATION_MS)),
    tests_sha256: Sha256,
    code_sha256: Sha256,
    cases: v.pipe(v.array(ReportedCaseSchema), v.maxLength(MAX_REPORTED_CASES, `at most ${MAX_REPORTED_CASES} cases`)),
    flags: v.optional(
      v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a short lowercase word'))), v.maxLength(MAX_RUN_FLAGS)),
    ),
  }),
  v.check((r) => r.total === r.cases.length, 'total must be the number of cases'),
  v.check((r) => r.passed === r.cases.filter((c) => c.status === 'pass').length, 'passed must count the passing cases'),
  v.check((r) => r.failed === r.total - r.passed, 'failed must be total minus passed'),
  v.check((r) => r.status !== 'pass' || (r.total > 0 && r.failed === 0), 'a pass needs at least one case and no failures'),
)
export type ReportedRun = v.InferOutput<typeof ReportedRunSchema>

/** The body of `POST /api/tasks/:id/runs`: `subject` is a candidate id of the task or `solution`. */
export const RunReportSchema = v.strictObject({
  subject: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a candidate id or "solution"')),
  run: ReportedRunSchema,
})
export type RunReport = v.InferOutput<typeof RunReportSchema>
