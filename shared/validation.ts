/** Input validation shared by the server routes, the CLI and the client forms. */
import * as v from 'valibot'
import { ID_RE } from './roomNames'
import { LANGUAGES } from './languages'
import { CHAT_ROLES, ROLES } from './types'
import type { TaskInput } from './types'

export const MAX_PROMPT_CHARS = 100_000
export const MAX_CODE_CHARS = 200_000
export const MAX_CANDIDATES = 26
export const MAX_IMPORT_LINES = 10_000
/** How deeply a task's `metadata` may nest objects and arrays (`{}` is one level). */
export const MAX_METADATA_DEPTH = 8
/** The largest `metadata` a task may carry, as UTF-8 JSON. */
export const MAX_METADATA_BYTES = 64 * 1024

/** A task, candidate or user id: DESIGN's `[A-Za-z0-9_-]{1,64}`. */
export const IdSchema = v.pipe(v.string(), v.regex(ID_RE, 'must be 1–64 letters, digits, _ or -'))
const Id = IdSchema

const CandidateSchema = v.strictObject({
  id: Id,
  code: v.pipe(v.string(), v.maxLength(MAX_CODE_CHARS, `must be at most ${MAX_CODE_CHARS} characters`)),
  model: v.optional(v.pipe(v.string(), v.maxLength(200))),
})

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

export const TaskInputSchema = v.pipe(
  v.strictObject({
    id: Id,
    prompt: PromptSchema,
    language: v.picklist(LANGUAGES, `must be one of ${LANGUAGES.join(', ')}`),
    candidates: v.pipe(
      v.array(CandidateSchema),
      v.minLength(2, 'needs at least 2 candidates'),
      v.maxLength(MAX_CANDIDATES, `at most ${MAX_CANDIDATES} candidates`),
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
  }),
  v.check(
    (t) => new Set(t.candidates.map((c) => c.id)).size === t.candidates.length,
    'candidate ids must be unique',
  ),
)

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

/** Formats valibot issues as readable messages: `candidates[1].id: must be …`. */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const path = (issue.path ?? [])
      .map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`))
      .join('')
      .replace(/^\./, '')
    return path ? `${path}: ${issue.message}` : issue.message
  })
}

/**
 * Parses a JSONL import. Returns every task or every problem (1-based line numbers), never a
 * partial result: the import is all lines or none. Blank lines are skipped.
 */
export function parseTaskLines(text: string): {
  tasks: TaskInput[]
  /** The 1-based line of each task, index for index. */
  lines: number[]
  errors: LineError[]
} {
  const tasks: TaskInput[] = []
  const taskLines: number[] = []
  const errors: LineError[] = []
  const seen = new Map<string, number>()
  const lines = text.split(/\r?\n/)
  if (lines.length > MAX_IMPORT_LINES + 1) {
    return { tasks: [], lines: [], errors: [{ line: 0, message: `at most ${MAX_IMPORT_LINES} lines per import` }] }
  }
  lines.forEach((raw, i) => {
    const line = i + 1
    if (raw.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (err) {
      errors.push({ line, message: `invalid JSON: ${(err as Error).message}` })
      return
    }
    const result = v.safeParse(TaskInputSchema, value)
    if (!result.success) {
      for (const message of formatIssues(result.issues)) errors.push({ line, message })
      return
    }
    const prev = seen.get(result.output.id)
    if (prev !== undefined) {
      errors.push({ line, message: `duplicate task id "${result.output.id}" (also on line ${prev})` })
      return
    }
    seen.set(result.output.id, line)
    tasks.push(result.output as TaskInput)
    taskLines.push(line)
  })
  if (tasks.length === 0 && errors.length === 0) errors.push({ line: 0, message: 'no tasks in the body' })
  return errors.length ? { tasks: [], lines: [], errors } : { tasks, lines: taskLines, errors }
}
