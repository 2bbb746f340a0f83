/** Frame ↔ worker messages: the worker speaks only on a private MessagePort, validated both ways. */
import * as v from 'valibot'
import { OutcomeSchema, MAX_CASES, MAX_CASE_MESSAGE_CHARS, MAX_RUN_SOURCE_CHARS } from '../../shared/runs'

/** Frame → worker on the port: run one subject (its code, then the tests, in one scope). */
export const ToWorkerSchema = v.variant('type', [
  v.strictObject({ type: v.literal('warm') }),
  v.strictObject({
    type: v.literal('run'),
    language: v.picklist(['python', 'javascript', 'typescript']),
    code: v.pipe(v.string(), v.maxLength(MAX_RUN_SOURCE_CHARS)),
    tests: v.pipe(v.string(), v.maxLength(MAX_RUN_SOURCE_CHARS)),
    timeout_ms: v.number(),
  }),
])
export type ToWorker = v.InferOutput<typeof ToWorkerSchema>

/** Worker → frame on the port: warmed up, the case names found, one case done, the outcome. */
export const FromWorkerSchema = v.variant('type', [
  v.strictObject({ type: v.literal('warmed'), ms: v.number() }),
  v.strictObject({ type: v.literal('failed'), message: v.pipe(v.string(), v.maxLength(MAX_CASE_MESSAGE_CHARS)) }),
  v.strictObject({ type: v.literal('cases'), names: v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_CASE_MESSAGE_CHARS))), v.maxLength(MAX_CASES)) }),
  v.strictObject({ type: v.literal('case'), index: v.number() }),
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
