/** Frame ↔ worker messages: the worker speaks only on a private MessagePort, validated both ways. */
import * as v from 'valibot'
import { CaseSchema, OutcomeSchema, MAX_CASES, MAX_CASE_MESSAGE_CHARS, MAX_RUN_SOURCE_CHARS } from '../../shared/runs'

/**
 * Frame → worker on the port: run one subject (its code, then the tests, in one scope). A run
 * with `from_case` loads both and runs the cases from that index on: how a subject resumes on a
 * fresh worker after the frame stopped one case at its own limit by terminating the last one.
 */
export const ToWorkerSchema = v.variant('type', [
  v.strictObject({ type: v.literal('warm') }),
  v.strictObject({
    type: v.literal('run'),
    language: v.picklist(['python', 'javascript', 'typescript']),
    code: v.pipe(v.string(), v.maxLength(MAX_RUN_SOURCE_CHARS)),
    tests: v.pipe(v.string(), v.maxLength(MAX_RUN_SOURCE_CHARS)),
    timeout_ms: v.number(),
    entry_point: v.optional(v.pipe(v.string(), v.maxLength(128))),
    from_case: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  }),
])
export type ToWorker = v.InferOutput<typeof ToWorkerSchema>

const CaseIndex = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CASES))

/**
 * Worker → frame on the port: warmed up, the case names found, a case starting (with its own
 * limit, 0 for none), a case's result, the outcome.
 */
export const FromWorkerSchema = v.variant('type', [
  v.strictObject({ type: v.literal('warmed'), ms: v.number() }),
  v.strictObject({ type: v.literal('failed'), message: v.pipe(v.string(), v.maxLength(MAX_CASE_MESSAGE_CHARS)) }),
  v.strictObject({ type: v.literal('cases'), names: v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_CASE_MESSAGE_CHARS))), v.maxLength(MAX_CASES)) }),
  v.strictObject({ type: v.literal('case'), index: CaseIndex, limit_ms: v.pipe(v.number(), v.minValue(0), v.maxValue(60_000)) }),
  v.strictObject({ type: v.literal('case_done'), index: CaseIndex, result: CaseSchema }),
  v.strictObject({ type: v.literal('done'), outcome: OutcomeSchema }),
])
export type FromWorker = v.InferOutput<typeof FromWorkerSchema>

/**
 * The init message on the worker's global channel: where the runtimes are, and the port it will
 * speak on from then on. After it the worker stops listening globally, so candidate code that
 * posts on the global channel reaches nobody who listens.
 */
export interface WorkerInit {
  type: 'init'
  vendor: string
}
