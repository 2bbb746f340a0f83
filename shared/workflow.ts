/** The review workflow (docs/workflow.md#states-and-actions): which action moves a task where, and who may take it. */
import { TaskStatus } from './types'
import * as v from 'valibot'
import type { Role } from './types'
import type { RunResult } from './schema'
import { runChecks } from './runs'

/**
 * Workflow actions; `start` is the server's own: an assignee's first edit of an open task, or
 * the first edit after changes were requested.
 */
export const WorkflowAction = {
  start: 'start',
  submit: 'submit',
  request_changes: 'request_changes',
  finalize: 'finalize',
  reopen: 'reopen',
} as const
export type WorkflowAction = (typeof WorkflowAction)[keyof typeof WorkflowAction]

/** Who takes an action: the caller's role and whether they are assigned to the task. */
export interface WorkflowActor {
  role: Role
  assigned: boolean
}

/** A transition's outcome: the new status, or why it is refused (403 wrong person, 409 wrong state). */
export type TransitionResult =
  | { ok: true; status: TaskStatus; revisionBump: boolean }
  | { ok: false; refusal: 'forbidden' | 'conflict'; message: string }

const WHO: Record<WorkflowAction, (a: WorkflowActor) => boolean> = {
  start: (a) => a.role === 'annotator' && a.assigned,
  submit: (a) => a.role === 'annotator' && a.assigned,
  request_changes: (a) => a.role === 'lead',
  finalize: (a) => a.role === 'lead',
  reopen: (a) => a.role === 'lead',
}

const WHO_TEXT: Record<WorkflowAction, string> = {
  start: 'an assigned annotator',
  submit: 'an assigned annotator',
  request_changes: 'the lead',
  finalize: 'the lead',
  reopen: 'the lead',
}

/** The states each action may leave from, and where it goes. */
const FROM: Record<WorkflowAction, { from: readonly TaskStatus[]; to: TaskStatus }> = {
  start: { from: [TaskStatus.open, TaskStatus.changes_requested], to: TaskStatus.in_progress },
  submit: {
    from: [TaskStatus.open, TaskStatus.in_progress, TaskStatus.changes_requested],
    to: TaskStatus.submitted,
  },
  request_changes: { from: [TaskStatus.submitted], to: TaskStatus.changes_requested },
  finalize: {
    from: [TaskStatus.open, TaskStatus.in_progress, TaskStatus.submitted, TaskStatus.changes_requested],
    to: TaskStatus.finalized,
  },
  reopen: { from: [TaskStatus.finalized], to: TaskStatus.in_progress },
}

/** Human words for each status, for refusals and the page. */
export const STATUS_TEXT: Record<TaskStatus, string> = {
  open: 'open',
  in_progress: 'in progress',
  submitted: 'submitted',
  changes_requested: 'changes requested',
  finalized: 'finalized',
}

/**
 * Decides one transition. The single place the workflow's rules live: the routes, the CLI's
 * answers and the page's buttons all follow it. Reopen is the only move that bumps the revision.
 */
export function transition(status: TaskStatus, action: WorkflowAction, actor: WorkflowActor): TransitionResult {
  if (!WHO[action](actor)) {
    return { ok: false, refusal: 'forbidden', message: `only ${WHO_TEXT[action]} may ${actionText(action)} this task` }
  }
  const rule = FROM[action]
  if (!rule.from.includes(status)) {
    return { ok: false, refusal: 'conflict', message: `cannot ${actionText(action)} a task that is ${STATUS_TEXT[status]}` }
  }
  return { ok: true, status: rule.to, revisionBump: action === WorkflowAction.reopen }
}

/** The actions `actor` may take now: the buttons a page shows. */
export function availableActions(status: TaskStatus, actor: WorkflowActor): WorkflowAction[] {
  return (Object.values(WorkflowAction) as WorkflowAction[]).filter(
    (a) => a !== WorkflowAction.start && transition(status, a, actor).ok,
  )
}

function actionText(action: WorkflowAction): string {
  return action === WorkflowAction.request_changes ? 'request changes on' : action
}

/** Why finalize is refused; each reason names what it points at so the page can link to it. */
export const FinalizeReasonCode = {
  unranked: 'unranked',
  unscored: 'unscored',
  empty_explanation: 'empty_explanation',
  empty_solution: 'empty_solution',
  empty_tests: 'empty_tests',
  unresolved_thread: 'unresolved_thread',
  reference_fails: 'reference_fails',
  ranking_contradicts_runs: 'ranking_contradicts_runs',
} as const
export type FinalizeReasonCode = (typeof FinalizeReasonCode)[keyof typeof FinalizeReasonCode]

/**
 * One reason finalize is refused. `target` names the thing to fix: `ranking`,
 * `rubric:<candidate>:<criterion>`, `explanation`, `solution`, `tests` or `thread:<id>`.
 */
export interface FinalizeReason {
  code: FinalizeReasonCode
  message: string
  target: string
  /** The lead may finalize anyway with a written note (the evidence can be wrong; the note says why). */
  overridable?: boolean
}

/** Reasons the lead may override with a note: what the test runs say, never missing work. */
export const OVERRIDABLE_REASONS: readonly FinalizeReasonCode[] = [
  FinalizeReasonCode.reference_fails,
  FinalizeReasonCode.ranking_contradicts_runs,
]

/** Up to this many unresolved threads get a finalize reason each; more are one reason naming the first few. */
export const LISTED_THREADS = 3

/** What the gate looks at, already read defensively from the rooms. */
export interface GateInput {
  /**
   * In the order the pages show them (`shownOrder` in shared/blind.ts): reasons name candidates
   * in this order, and in a blind batch the import order would tell which letter is which model.
   */
  candidates: readonly string[]
  /** The rubric; with a scale, only a whole score on it counts (anything else is missing). */
  criteria: readonly { id: string; name: string; min?: number; max?: number }[]
  /** The ranking as read: first copies of known ids, best first. */
  ranking: readonly string[]
  /** Scores present: candidate → criterion → score. */
  ratings: Readonly<Record<string, Readonly<Record<string, number>>>>
  explanation: string
  solution: string
  tests: string
  threads: readonly { id: string; resolved: boolean; quote?: string }[]
  /** Current runs only (a run whose tests or code changed since is left out by the caller). */
  runs?: Readonly<Record<string, RunResult>>
  /** How the pages name each candidate (its letter in a blind batch); messages use it, targets keep ids. */
  labels?: ReadonlyMap<string, string>
}

/**
 * Every reason the work is not ready to finalize, in the order a person would fix them;
 * empty when it is. An empty rubric needs no scores. Whitespace-only text counts as empty.
 */
export function finalizeReasons(input: GateInput): FinalizeReason[] {
  const reasons: FinalizeReason[] = []
  const name = (c: string) => input.labels?.get(c) ?? c
  const placed = new Set(input.ranking)
  const missing = input.candidates.filter((c) => !placed.has(c))
  if (missing.length) {
    reasons.push({
      code: FinalizeReasonCode.unranked,
      message: `${missing.length} candidate${missing.length === 1 ? ' is' : 's are'} not ranked: ${missing.map(name).join(', ')}`,
      target: 'ranking',
    })
  }
  for (const c of input.candidates) {
    const row = Object.hasOwn(input.ratings, c) ? input.ratings[c] : undefined
    for (const k of input.criteria) {
      if (isWholeScore(k, row && Object.hasOwn(row, k.id) ? row[k.id] : undefined)) continue
      reasons.push({
        code: FinalizeReasonCode.unscored,
        message: `candidate ${name(c)} has no ${k.name} score`,
        target: `rubric:${c}:${k.id}`,
      })
    }
  }
  const texts = [
    ['explanation', 'Explanation', FinalizeReasonCode.empty_explanation],
    ['solution', 'Reference solution', FinalizeReasonCode.empty_solution],
    ['tests', 'Tests', FinalizeReasonCode.empty_tests],
  ] as const
  for (const [field, label, code] of texts) {
    if (input[field].trim() === '') reasons.push({ code, message: `${label} is empty`, target: field })
  }
  const open = input.threads.filter((t) => !t.resolved)
  if (open.length > LISTED_THREADS) {
    // Compact: one reason naming the first few, so thousands of threads stay one line.
    const shown = open.slice(0, LISTED_THREADS).map((t) => (t.quote ? `“${t.quote.slice(0, 40)}”` : 'one on the whole task'))
    reasons.push({
      code: FinalizeReasonCode.unresolved_thread,
      message: `${open.length} comment threads are unresolved, among them ${shown.join(', ')} and ${open.length - LISTED_THREADS} more`,
      target: `thread:${open[0].id}`,
    })
  } else {
    for (const t of open) {
      const about = t.quote ? `: “${t.quote.slice(0, 60)}”` : ''
      reasons.push({
        code: FinalizeReasonCode.unresolved_thread,
        message: `a comment thread is unresolved${about}`,
        target: `thread:${t.id}`,
      })
    }
  }
  if (input.runs) {
    const checks = runChecks(input.runs, input.candidates, input.ranking)
    if (checks.reference_passes === false) {
      const ref = input.runs.solution
      reasons.push({
        code: FinalizeReasonCode.reference_fails,
        message: `the tests fail the reference solution (${ref.passed} of ${ref.total} pass)`,
        target: 'tests',
        overridable: true,
      })
    }
    for (const c of checks.contradictions) {
      reasons.push({
        code: FinalizeReasonCode.ranking_contradicts_runs,
        message: `the ranking contradicts the runs: candidate ${name(c.above)} fails a test but is ranked above candidate ${name(c.below)}, which passes them all`,
        target: 'ranking',
        overridable: true,
      })
    }
  }
  return reasons
}

/** A score counts when it is a whole number on the criterion's scale (when the scale is known). */
function isWholeScore(k: { min?: number; max?: number }, score: unknown): boolean {
  if (!Number.isInteger(score)) return false
  return !(typeof k.min === 'number' && (score as number) < k.min) && !(typeof k.max === 'number' && (score as number) > k.max)
}

/** What submit looks at: the annotator's part of the work, read like finalize's gate reads it. */
export type SubmitInput = Omit<GateInput, 'threads' | 'runs'>

/**
 * Every reason the annotator's part is not done, in finalize's shape: every candidate ranked,
 * every criterion scored with a whole number on its scale, explanation, solution and tests
 * non-empty. Threads and test runs are the lead's to weigh at finalize, not a reason to hold a
 * submit back. Empty when the work may be submitted.
 */
export function submitReasons(input: SubmitInput): FinalizeReason[] {
  return finalizeReasons({ ...input, threads: [] })
}

/** Longest override note a lead can write at finalize. */
export const MAX_OVERRIDE_NOTE_CHARS = 4_000

/**
 * `POST /api/tasks/:id/finalize` body (optional): a written note that overrides the reasons the
 * runs give. It never overrides missing work, and it is stored in the record as `override_note`.
 */
export const FinalizeSchema = v.strictObject({
  override_note: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.trim(),
      v.minLength(1, 'must say why the runs are overridden'),
      v.maxLength(MAX_OVERRIDE_NOTE_CHARS, `must be at most ${MAX_OVERRIDE_NOTE_CHARS} characters`),
    ),
  ),
})

/** Whether a note may override every one of `reasons` (none of them is missing work). */
export function canOverride(reasons: readonly FinalizeReason[]): boolean {
  return reasons.length > 0 && reasons.every((r) => OVERRIDABLE_REASONS.includes(r.code))
}

/** The meta room's `last_action`: what happened last, by whom, when, with the message if any. */
export interface LastAction {
  action: WorkflowAction
  /** User id. */
  by: string
  by_name: string
  /** ISO 8601. */
  at: string
  message?: string
}

/** Longest message a lead can send back with a request for changes. */
export const MAX_ACTION_MESSAGE_CHARS = 4_000

/** `POST /api/tasks/:id/request-changes`: the lead says what to change. */
export const RequestChangesSchema = v.strictObject({
  message: v.pipe(
    v.string('must be a string'),
    v.trim(),
    v.minLength(1, 'must say what to change'),
    v.maxLength(MAX_ACTION_MESSAGE_CHARS, `must be at most ${MAX_ACTION_MESSAGE_CHARS} characters`),
  ),
})
