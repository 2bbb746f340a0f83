/** Server ↔ sandboxed driver messages: one JSON request on stdin, JSON lines back on stdout. */
import * as v from 'valibot'
import { CaseSchema, MAX_CASE_MESSAGE_CHARS, MAX_CASES, MAX_RUN_SOURCE_CHARS } from '../../shared/runs'

/** What a sandboxed process is for; fixed by the server on its command line, never by the subject. */
export const DriverMode = { python: 'python', js: 'js', snapshot: 'snapshot', probe: 'probe' } as const
export type DriverMode = (typeof DriverMode)[keyof typeof DriverMode]

/** The one request a run process reads: one subject against the tests, then the process is killed. */
export interface RunRequest {
  type: 'run'
  language: 'python' | 'javascript' | 'typescript'
  code: string
  tests: string
  timeout_ms: number
  entry_point?: string
}

/** The one request a probe process reads: an async function body, run with full JS rights inside. */
export interface ProbeRequest {
  type: 'probe'
  source: string
}

const Short = v.pipe(v.string(), v.maxLength(MAX_CASE_MESSAGE_CHARS))
const Index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CASES))
const Output = v.pipe(v.string(), v.maxLength(MAX_RUN_SOURCE_CHARS))

/**
 * Lines a driver writes. Everything a sandboxed process says is untrusted (the subject may own
 * the process by then): the server validates each line and reads only these shapes.
 */
export const FromDriverSchema = v.variant('type', [
  v.strictObject({ type: v.literal('ready'), versions: v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(v.string(), v.maxLength(80))) }),
  v.strictObject({ type: v.literal('failed'), message: Short }),
  v.strictObject({ type: v.literal('cases'), names: v.pipe(v.array(Short), v.maxLength(MAX_CASES)) }),
  v.strictObject({ type: v.literal('case'), index: Index, limit_ms: v.pipe(v.number(), v.minValue(0), v.maxValue(60_000)) }),
  v.strictObject({ type: v.literal('case_done'), index: Index, result: CaseSchema }),
  v.strictObject({
    type: v.literal('done'),
    cases: v.pipe(v.array(CaseSchema), v.maxLength(MAX_CASES)),
    error: v.nullable(Short),
    stdout: Output,
    stderr: Output,
    timed_out: v.boolean(),
    flags: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/))), v.maxLength(16))),
  }),
  v.strictObject({ type: v.literal('probe'), value: v.unknown() }),
])
export type FromDriver = v.InferOutput<typeof FromDriverSchema>

/** A line longer than this from a sandbox ends its run: no honest message is near it. */
export const MAX_DRIVER_LINE_CHARS = 4 * MAX_RUN_SOURCE_CHARS
