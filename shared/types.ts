/** Domain types shared by the server, the client and the exports: the nouns of docs/formats.md#import. */

/** Roles as an `as const` object plus a type of the same name. */
export const Role = { annotator: 'annotator', lead: 'lead', reviewer: 'reviewer' } as const
export type Role = (typeof Role)[keyof typeof Role]
export const ROLES: readonly Role[] = Object.values(Role)

/** A user as the API shows it; the token exists only once, in the creation response. */
export interface User {
  id: string
  name: string
  role: Role
  color: string
  createdAt: string
}

export const BatchMode = { collaborative: 'collaborative', independent: 'independent' } as const
export type BatchMode = (typeof BatchMode)[keyof typeof BatchMode]

/** One rubric criterion: scored from `min` to `max` (integers, at most 9 steps for 1–9 keys). */
export interface RubricCriterion {
  id: string
  name: string
  description: string
  min: number
  max: number
}

/** A test run's time limit per subject when a batch sets none (docs/sandbox.md#test-format). */
export const DEFAULT_RUN_TIMEOUT_MS = 5000

export interface Batch {
  name: string
  mode: BatchMode
  guidelines: string
  rubric: RubricCriterion[]
  /**
   * Everyone sees candidates as A, B, C… in a per-task shuffled order; only the lead sees models,
   * import ids and metadata; the rooms key candidates by opaque ids.
   */
  blind: boolean
  /** Time limit per subject of a test run, in milliseconds. */
  run_timeout_ms: number
  /** Annotators per task the last distribution gave (an optional overlap, `POST /api/batches/:name/distribute`). */
  per_task?: number
  createdAt: string
  updatedAt: string
}

export interface Candidate {
  /** The id the rooms key this candidate by: in a blind batch an opaque id the server made. */
  id: string
  code: string
  model?: string
  /**
   * The id the import gave it, when the server gave it an opaque `id` (blind batches); the lead
   * and the exports see it, annotators and reviewers never do.
   */
  import_id?: string
  /** How every person names it on the page (`GET /api/tasks/:id`): A, B, C… when blind. */
  label?: string
}

/** Who says a message of a conversational prompt (OpenAI/TRL chat roles). */
export const ChatRole = { system: 'system', user: 'user', assistant: 'assistant' } as const
export type ChatRole = (typeof ChatRole)[keyof typeof ChatRole]
export const CHAT_ROLES: readonly ChatRole[] = Object.values(ChatRole)

/** One message of a conversational prompt: TRL's conversational form, `{role, content}`. */
export interface ChatMessage {
  role: ChatRole
  content: string
}

/** A task's prompt: markdown, or a conversation for multi-turn tasks (docs/formats.md#import). */
export type Prompt = string | ChatMessage[]

/** True when the prompt is a conversation rather than markdown. */
export function isConversation(prompt: Prompt): prompt is ChatMessage[] {
  return Array.isArray(prompt)
}

/**
 * The prompt as one text: markdown as it is; a conversation as its last user message (what the
 * candidates answer), falling back to the last message. Used for titles and for plain-text views.
 */
export function promptText(prompt: Prompt): string {
  if (!isConversation(prompt)) return prompt
  const lastUser = [...prompt].reverse().find((m) => m.role === 'user')
  return (lastUser ?? prompt[prompt.length - 1])?.content ?? ''
}

/** A task as imported: one JSONL line. */
export interface TaskInput {
  id: string
  prompt: Prompt
  language: string
  candidates: Candidate[]
  entry_point?: string
  tests?: string
  metadata?: Record<string, unknown>
}

/** Workflow states of a task; finalized revisions are immutable records. */
export const TaskStatus = {
  open: 'open',
  in_progress: 'in_progress',
  submitted: 'submitted',
  changes_requested: 'changes_requested',
  finalized: 'finalized',
} as const
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus]

/** A task as stored and served. */
export interface Task extends TaskInput {
  batch: string
  status: TaskStatus
  revision: number
  assignees: string[]
  createdAt: string
  updatedAt: string
  /** Progress as of the workspace room's last save (see shared/progress.ts). */
  progress?: Progress
  /** Comment thread counts as of the comments room's last change (server/services/threads.ts). */
  threadCounts?: ThreadCounts
}

/** A task's unresolved threads, and per user id how many of them mention that person. */
export interface ThreadCounts {
  unresolved: number
  mentions: Record<string, number>
}

/** What one person sees of a task's threads: how many are unresolved and how many name them. */
export interface ThreadSummary {
  unresolved: number
  mentions: number
}

/** A user present in a room right now, as the queue shows them. */
export interface PresentUser {
  id: string
  name: string
  role: Role
  color: string
  /** What they look at in the workspace (their published view), when they published one. */
  view?: PresentView
}

/** The part of a workspace someone looks at: an area, and the candidate for candidate views. */
export interface PresentView {
  area: string
  candidateId?: string
  /** How pages name that candidate (its letter in a blind batch), when the server knows it. */
  candidateLabel?: string
}

/** `GET /api/me`. */
export interface Me {
  id: string
  name: string
  role: Role
  color: string
}

/** `GET /api/tasks/:id`: the task with its batch's guidelines, rubric and mode. */
export interface TaskDetail extends Task {
  guidelines: string
  rubric: RubricCriterion[]
  mode: BatchMode
  blind: boolean
  run_timeout_ms: number
}

/** One person's active time on one task (all revisions), as `GET /api/active-time` lists it. */
export interface ActiveTime {
  task: string
  user: string
  active_ms: number
}

/** What `GET /api/tasks` lists for each task: enough for the queue, without candidate code. */
export interface TaskSummary {
  id: string
  batch: string
  language: string
  title: string
  status: TaskStatus
  revision: number
  assignees: string[]
  candidateCount: number
  updatedAt: string
  /** From the live document when its room is loaded, else as of its last save; null if never opened. */
  progress: Progress | null
  /** Who is in the task's workspace room right now. */
  present: PresentUser[]
  /** Unresolved comment threads, and how many of them mention the caller. */
  threads: ThreadSummary
}

/** The queue's chips for one task. */
export interface Progress {
  /** Every candidate has been placed in the ranking (it starts empty). */
  ranked: boolean
  /** Scores given, out of candidates × criteria (only scores on the criterion's scale count). */
  scores: number
  scoresNeeded: number
  /** Words in the explanation. */
  explanationWords: number
  /** Test cases found in the tests text (`def test_…` or `test(`). */
  testCases: number
  /** The reference solution is not empty. */
  solution: boolean
}
