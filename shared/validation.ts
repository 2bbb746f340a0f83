/** Input validation shared by the server routes, the CLI and the client forms. */
import * as v from 'valibot'
import { ID_RE } from './roomNames'
import { LANGUAGES } from './languages'
import { BatchMode, CHAT_ROLES, ROLES, TaskStatus } from './types'
import type { TaskInput } from './types'

export const MAX_PROMPT_CHARS = 100_000
export const MAX_CODE_CHARS = 200_000
export const MAX_CANDIDATES = 26
export const MAX_IMPORT_LINES = 10_000
/** How deeply a task's `metadata` may nest objects and arrays (`{}` is one level). */
export const MAX_METADATA_DEPTH = 8
/** The largest `metadata` a task may carry, as UTF-8 JSON. */
export const MAX_METADATA_BYTES = 64 * 1024

/** A task, candidate or user id: `[A-Za-z0-9_-]{1,64}` (docs/protocol.md#rooms-and-roots). */
export const IdSchema = v.pipe(v.string(), v.regex(ID_RE, 'must be 1–64 letters, digits, _ or -'))
const Id = IdSchema

const CandidateSchema = v.strictObject({
  id: Id,
  code: v.pipe(v.string(), v.maxLength(MAX_CODE_CHARS, `must be at most ${MAX_CODE_CHARS} characters`)),
  model: v.optional(v.pipe(v.string(), v.maxLength(200))),
})

const TASK_STATUSES = Object.values(TaskStatus)

/** The most messages a conversational prompt may hold. */
export const MAX_PROMPT_MESSAGES = 200

const ChatMessageSchema = v.strictObject({
  role: v.picklist(CHAT_ROLES, `must be one of ${CHAT_ROLES.join(', ')}`),
  content: v.pipe(v.string(), v.maxLength(MAX_PROMPT_CHARS)),
})

/** Markdown, or a conversation `[{role, content}]` that ends with a user message. */
const PromptSchema = v.union(
  [
    v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_PROMPT_CHARS)),
    v.pipe(
      v.array(ChatMessageSchema),
      v.minLength(1, 'a conversation needs at least 1 message'),
      v.maxLength(MAX_PROMPT_MESSAGES, `a conversation holds at most ${MAX_PROMPT_MESSAGES} messages`),
      v.check((m) => m[m.length - 1]?.role === 'user', 'a conversation must end with a user message'),
      v.check(
        (m) => m.reduce((n, x) => n + x.content.length, 0) <= MAX_PROMPT_CHARS,
        `a conversation must be at most ${MAX_PROMPT_CHARS} characters in all`,
      ),
    ),
  ],
  'must be markdown text or a conversation [{role, content}]',
)

/** The fields of an imported task: the import and the start-up check share them (one schema). */
const TASK_INPUT_ENTRIES = {
  id: Id,
  prompt: PromptSchema,
  language: v.picklist(LANGUAGES, `must be one of ${LANGUAGES.join(', ')}`),
  candidates: v.pipe(
    v.array(CandidateSchema),
    v.minLength(2, 'expected at least 2 items'),
    v.maxLength(MAX_CANDIDATES, `expected at most ${MAX_CANDIDATES} items`),
  ),
  entry_point: v.optional(v.pipe(v.string(), v.maxLength(200))),
  tests: v.optional(v.pipe(v.string(), v.maxLength(MAX_CODE_CHARS))),
  metadata: v.optional(
    v.pipe(
      v.record(v.string(), v.unknown()),
      v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed) return
        const problem = metadataProblem(dataset.value)
        if (problem) addIssue({ message: problem })
      }),
    ),
  ),
}

const uniqueCandidates = <T extends { candidates: { id: string }[] }>() =>
  v.check<T, string>((t) => new Set(t.candidates.map((c) => c.id)).size === t.candidates.length, 'candidate ids must be unique')

// The workspace's `runs` map keys the reference solution's run `solution`: a candidate of that id
// could not keep a run of its own, so an import refuses the name rather than share it silently.
const noSolutionCandidate = <T extends { candidates: { id: string }[] }>() =>
  v.check<T, string>((t) => !t.candidates.some((c) => c.id === 'solution'), 'candidate id "solution" is reserved for the reference solution’s run')

/** One JSONL line of an import. */
export const TaskInputSchema = v.pipe(v.strictObject(TASK_INPUT_ENTRIES), uniqueCandidates(), noSolutionCandidate())

/**
 * A stored candidate: what the import accepted, plus `import_id` when the server gave it an
 * opaque id of its own (blind batches: the rooms use `id`, exports the import id).
 */
const StoredCandidateSchema = v.object({
  ...CandidateSchema.entries,
  import_id: v.optional(Id),
})

/**
 * A task as stored (a task pack line or `tasks/<id>.json`): every field the import accepts,
 * checked by the same entries as `TaskInputSchema`, plus what the server adds. Start-up loads
 * with this, so every task an import accepted loads again; fields a newer server added are kept.
 */
export const StoredTaskSchema = v.pipe(
  v.looseObject({
    ...TASK_INPUT_ENTRIES,
    candidates: v.pipe(
      v.array(StoredCandidateSchema),
      v.minLength(2, 'expected at least 2 items'),
      v.maxLength(MAX_CANDIDATES, `expected at most ${MAX_CANDIDATES} items`),
    ),
    batch: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
    status: v.picklist(TASK_STATUSES, `must be one of ${TASK_STATUSES.join(', ')}`),
    revision: v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1)),
    assignees: v.array(Id),
    createdAt: v.string(),
    updatedAt: v.string(),
  }),
  uniqueCandidates(),
)

/** What is wrong with a stored task (the first problem, field first), or null when it loads. */
export function storedTaskProblem(data: unknown): string | null {
  const result = v.safeParse(StoredTaskSchema, data)
  return result.success ? null : `is not a valid task (${formatIssues(result.issues)[0]})`
}

/**
 * How deeply `value` nests objects and arrays (a scalar is 0, `{}` is 1), counted without
 * recursion and stopping once past `limit`: JSON.parse accepts nesting that would overflow the
 * stack of anything recursive (JSON.stringify, structured clone) downstream.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [item, parentDepth] = stack.pop()!
    if (item === null || typeof item !== 'object') continue
    const depth = parentDepth + 1
    if (depth > max) max = depth
    if (max > limit) return max
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth])
  }
  return max
}

/** Why a task's metadata is refused (too deep, then too large), or null when it is fine. */
export function metadataProblem(metadata: unknown): string | null {
  if (jsonDepth(metadata, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH) {
    return `must nest at most ${MAX_METADATA_DEPTH} levels of objects and arrays`
  }
  const bytes = new TextEncoder().encode(JSON.stringify(metadata)).length
  if (bytes > MAX_METADATA_BYTES) {
    return `must be at most ${MAX_METADATA_BYTES / 1024} KB as JSON (this is ${Math.ceil(bytes / 1024)} KB)`
  }
  return null
}

export const CreateUserSchema = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80)),
  role: v.picklist(ROLES, `must be one of ${ROLES.join(', ')}`),
})

export const AssignSchema = v.strictObject({
  userIds: v.pipe(v.array(Id), v.maxLength(100)),
})

export const BatchNameSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_. -]{1,80}$/, 'must be 1–80 letters, digits, spaces, _ . or -'),
)

/** One problem found in user input, with the 1-based line it was found on where there is one. */
export interface LineError {
  line: number
  message: string
}

/** Formats valibot issues as readable messages, field first: `candidates[1].id: must be …`. */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.flatMap((i) => explainIssue(i, '')).map(({ path, message }) => (path ? `${path}: ${message}` : message))
}

function pathOf(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? [])
    .map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`))
    .join('')
    .replace(/^\./, '')
}

/**
 * One issue as `{path, message}` a person can act on: a missing field reads "is required", an
 * extra one "is not a known field", a wrong type "expected string, got number"; a union (the
 * prompt) reports the problems of the branch the input was meant for (a conversation with a bad
 * role says which message and why, not "must be text or a conversation").
 */
function explainIssue(issue: v.BaseIssue<unknown>, prefix: string): { path: string; message: string }[] {
  const own = pathOf(issue)
  const path = !prefix ? own : !own || own.startsWith('[') ? prefix + own : `${prefix}.${own}`
  if (issue.type === 'union' && issue.issues?.length) {
    // The branch the value was meant for is the one whose type matched: drop the other
    // branches' whole-value type mismatches. A branch's issues carry paths relative to the union.
    const meant = issue.issues.filter((i) => !(i.kind === 'schema' && (i.path?.length ?? 0) === 0))
    if (meant.length) return meant.flatMap((i) => explainIssue(i, path))
  }
  if (issue.type === 'strict_object' && issue.expected === 'never') return [{ path, message: 'is not a known field' }]
  if (issue.kind === 'schema' && issue.received === 'undefined') return [{ path, message: 'is required' }]
  if (issue.kind === 'schema' && issue.message.startsWith('Invalid type:')) {
    return [{ path, message: `expected ${issue.expected}, got ${issue.received}` }]
  }
  return [{ path, message: issue.message }]
}

/** The shortest and longest time limit a batch may give one test-run subject, in milliseconds. */
export const MIN_RUN_TIMEOUT_MS = 1000
export const MAX_RUN_TIMEOUT_MS = 60_000
/** The most criteria a rubric may have, and the most steps one criterion's scale may have (keys 1–9). */
export const MAX_RUBRIC_CRITERIA = 20
export const MAX_RUBRIC_STEPS = 9
export const MAX_GUIDELINES_CHARS = 100_000

const BATCH_MODES = Object.values(BatchMode)

const Int = (field: string) => v.pipe(v.number(), v.integer(`${field} must be a whole number`))

/** One rubric criterion: an id, a name, a description and an integer scale of at most 9 steps. */
export const RubricCriterionSchema = v.pipe(
  v.strictObject({
    id: IdSchema,
    name: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80)),
    description: v.pipe(v.string(), v.maxLength(2000)),
    min: Int('min'),
    max: Int('max'),
  }),
  v.check((c) => c.max > c.min, 'max must be greater than min'),
  v.check(
    (c) => c.max - c.min + 1 <= MAX_RUBRIC_STEPS,
    `a scale has at most ${MAX_RUBRIC_STEPS} steps (max − min + 1)`,
  ),
)

/**
 * `POST /api/batches`: a batch to create or update. Every field but the name is optional; an
 * update keeps what the body leaves out, a new batch takes the defaults (batches.ts).
 */
export const BatchInputSchema = v.strictObject({
  name: BatchNameSchema,
  mode: v.optional(v.picklist(BATCH_MODES, `must be one of ${BATCH_MODES.join(', ')}`)),
  guidelines: v.optional(v.pipe(v.string(), v.maxLength(MAX_GUIDELINES_CHARS))),
  rubric: v.optional(
    v.pipe(
      v.array(RubricCriterionSchema),
      v.maxLength(MAX_RUBRIC_CRITERIA, `expected at most ${MAX_RUBRIC_CRITERIA} items`),
      v.check((r) => new Set(r.map((c) => c.id)).size === r.length, 'criterion ids must be unique'),
    ),
  ),
  blind: v.optional(v.boolean()),
  run_timeout_ms: v.optional(
    v.pipe(
      v.number(),
      v.integer('must be a whole number of milliseconds'),
      v.minValue(MIN_RUN_TIMEOUT_MS, `must be at least ${MIN_RUN_TIMEOUT_MS} (1 s)`),
      v.maxValue(MAX_RUN_TIMEOUT_MS, `must be at most ${MAX_RUN_TIMEOUT_MS} (60 s)`),
    ),
  ),
})
export type BatchInput = v.InferOutput<typeof BatchInputSchema>

/** Most annotators one distribution may name. */
export const MAX_DISTRIBUTE_ANNOTATORS = 1000

/**
 * `POST /api/batches/:name/distribute`: `per_task` distinct annotators from `annotators` for every
 * unfinished task of the batch. The server checks further that each is an existing annotator
 * and that `per_task` is at most the number named.
 */
export const DistributeSchema = v.strictObject({
  annotators: v.pipe(
    v.array(Id),
    v.minLength(1, 'name at least one annotator'),
    v.maxLength(MAX_DISTRIBUTE_ANNOTATORS, `expected at most ${MAX_DISTRIBUTE_ANNOTATORS} annotators`),
    v.check((a) => new Set(a).size === a.length, 'each annotator may be named once'),
  ),
  per_task: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1')),
  reassign_started: v.optional(v.boolean()),
})
export type DistributeInput = v.InferOutput<typeof DistributeSchema>

/**
 * Reads a JSONL import one line at a time (the server streams the body through it, so a 10,000-
 * task body is never held whole): `line()` returns the valid task or null, and keeps every
 * problem with its 1-based line number. Blank lines are skipped; an id seen before is an error.
 */
export class TaskLineParser {
  readonly errors: LineError[] = []
  private readonly seen = new Map<string, number>()
  /** Lines read so far (blank ones included), to report a file over MAX_IMPORT_LINES. */
  lines = 0
  tasks = 0

  /** The last line read was blank: a trailing blank line does not count against the limit. */
  private lastBlank = false

  line(raw: string): TaskInput | null {
    const line = ++this.lines
    this.lastBlank = raw.trim() === ''
    if (this.lastBlank) return null
    if (this.lines > MAX_IMPORT_LINES + 1) return null // past the limit: counted, not validated
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (err) {
      this.errors.push({ line, message: `invalid JSON: ${(err as Error).message}` })
      return null
    }
    const result = v.safeParse(TaskInputSchema, value)
    if (!result.success) {
      for (const message of formatIssues(result.issues)) this.errors.push({ line, message })
      return null
    }
    const prev = this.seen.get(result.output.id)
    if (prev !== undefined) {
      this.errors.push({ line, message: `duplicate task id "${result.output.id}" (also on line ${prev})` })
      return null
    }
    this.seen.set(result.output.id, line)
    this.tasks++
    return result.output as TaskInput
  }

  /** After the last line: every problem, the "too many lines" or "no tasks" one included. */
  finish(): LineError[] {
    const counted = this.lines - (this.lastBlank ? 1 : 0)
    if (counted > MAX_IMPORT_LINES) {
      const message = `too many lines: at most ${MAX_IMPORT_LINES} tasks per import (this has ${counted}); split the file`
      return [{ line: 0, message }]
    }
    if (this.tasks === 0 && this.errors.length === 0) return [{ line: 0, message: 'no tasks in the body' }]
    return this.errors
  }
}

/** The lines of a whole JSONL text, without the empty piece after a final newline. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/)
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * Parses a whole JSONL import. Returns every task or every problem (1-based line numbers), never
 * a partial result: the import is all lines or none. Blank lines are skipped.
 */
export function parseTaskLines(text: string): {
  tasks: TaskInput[]
  /** The 1-based line of each task, index for index. */
  lines: number[]
  errors: LineError[]
} {
  const parser = new TaskLineParser()
  const tasks: TaskInput[] = []
  const lines: number[] = []
  for (const raw of splitLines(text)) {
    const task = parser.line(raw)
    if (task) {
      tasks.push(task)
      lines.push(parser.lines)
    }
  }
  const errors = parser.finish()
  return errors.length ? { tasks: [], lines: [], errors } : { tasks, lines, errors }
}
