/** The Yjs document schema: every root name of every room, defined once (docs/protocol.md#rooms-and-roots). */
import * as Y from 'yjs'

/** Root names of the workspace document (`task:<id>`). Part of the public interface. */
export const WorkspaceRoot = {
  explanation: 'explanation',
  solution: 'solution',
  tests: 'tests',
  ranking: 'ranking',
  ratings: 'ratings',
  notes: 'notes',
  runs: 'runs',
  server_runs: 'server_runs',
} as const
export type WorkspaceRoot = (typeof WorkspaceRoot)[keyof typeof WorkspaceRoot]

/** Names of the workspace's Y.Text roots, the ones editors bind to. */
export const TEXT_ROOTS = [WorkspaceRoot.explanation, WorkspaceRoot.solution, WorkspaceRoot.tests] as const
export type TextRoot = (typeof TEXT_ROOTS)[number]

/** Status of a test run, as stored in the `runs` map. */
export type RunStatus = 'pass' | 'fail' | 'error' | 'timeout'
/** One test case of a run. */
export interface RunCase {
  name: string
  status: 'pass' | 'fail' | 'error'
  message?: string
}
/**
 * The latest run of one subject (a candidate or the reference solution), as docs/protocol.md#the-runs-map shapes it.
 * The hashes say which code and tests it ran, so a stale run can be told from a current one.
 * Read it only through `readRun` (shared/readers.ts): a stored value may be anything.
 */
export interface RunResult {
  status: RunStatus
  passed: number
  failed: number
  total: number
  duration_ms: number
  ran_by: string
  ran_at: string
  tests_sha256: string
  code_sha256: string
  cases: RunCase[]
  /** Tampering the runner saw and could not prevent (`harness`, `eq-override`, …); a flagged pass never counts as a pass. */
  flags?: string[]
}

/**
 * Typed handles on a workspace document's roots. The element types say what honest writers put
 * there, not what a document holds: read content through shared/readers.ts, never directly.
 */
export interface Workspace {
  explanation: Y.Text
  solution: Y.Text
  tests: Y.Text
  ranking: Y.Array<string>
  ratings: Y.Map<Y.Map<number>>
  notes: Y.Map<Y.Text>
  runs: Y.Map<RunResult>
  /** The server's own runs (its sandbox), written by the server only; read through `readRuns` too. */
  server_runs: Y.Map<RunResult>
}

/** Returns the workspace roots of `doc`; the only caller of `doc.get*` for workspace names. */
export function getWorkspace(doc: Y.Doc): Workspace {
  return {
    explanation: doc.getText(WorkspaceRoot.explanation),
    solution: doc.getText(WorkspaceRoot.solution),
    tests: doc.getText(WorkspaceRoot.tests),
    ranking: doc.getArray<string>(WorkspaceRoot.ranking),
    ratings: doc.getMap<Y.Map<number>>(WorkspaceRoot.ratings),
    notes: doc.getMap<Y.Text>(WorkspaceRoot.notes),
    runs: doc.getMap<RunResult>(WorkspaceRoot.runs),
    server_runs: doc.getMap<RunResult>(WorkspaceRoot.server_runs),
  }
}

/** Root of the comments room (`task:<id>:comments`): a Y.Array of Y.Map, one per thread. */
export const COMMENTS_ROOT = 'threads'
/** The threads array of a comments room. */
export function getThreads(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(COMMENTS_ROOT)
}

/** Root of the meta room (`task:<id>:meta`), written by the server only. */
export const META_ROOT = 'meta'
/** Keys of the meta map, the names of docs/protocol.md#rooms-and-roots (part of the public interface). */
export const MetaKey = {
  status: 'status',
  revision: 'revision',
  assignees: 'assignees',
  /** `{ action, by, at, message? }` of the latest workflow action (docs/protocol.md#rooms-and-roots). */
  last_action: 'last_action',
  /** ISO time of the finalize that made the current revision read-only; null while editable. */
  finalized_at: 'finalized_at',
} as const
export type MetaKey = (typeof MetaKey)[keyof typeof MetaKey]
/** The meta map of a meta room; read it through `readMeta` (shared/readers.ts). */
export function getMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(META_ROOT)
}

/**
 * Roots of a ballot room (`task:<id>:ballot:<userId>`): one annotator's private judgment.
 * `submission` (a Y.Map, `submitted_at` and `by`) is written by the server's submit route after
 * it checked the ballot complete, so the lead sees a submission live in the same room. Only the
 * server writes it: a client update touching it is refused, and so is any write to a submitted
 * ballot until its owner withdraws it (server/sync/writeRules.ts); shared/ballots.ts reads it.
 */
export const BallotRoot = { ranking: 'ranking', ratings: 'ratings', submission: 'submission' } as const
/** Typed handles on a ballot document's roots; read them through `readBallot` and `readSubmission`. */
export interface Ballot {
  ranking: Y.Array<string>
  ratings: Y.Map<Y.Map<number>>
  submission: Y.Map<unknown>
}
/** Returns the ballot roots of `doc`. */
export function getBallot(doc: Y.Doc): Ballot {
  return {
    ranking: doc.getArray<string>(BallotRoot.ranking),
    ratings: doc.getMap<Y.Map<number>>(BallotRoot.ratings),
    submission: doc.getMap<unknown>(BallotRoot.submission),
  }
}

/**
 * Seeds a new workspace from its task: an empty notes text and ratings map per candidate, and the
 * task's seed tests. No ranking: it starts empty, so a task nobody ranked is never read (or
 * exported) as ranked (docs/protocol.md#rooms-and-roots). Called once, when the task is created, never because
 * a loaded document looks empty (that would duplicate content on a concurrent first load).
 */
export function seedWorkspace(
  doc: Y.Doc,
  task: { candidates: { id: string }[]; tests?: string },
  origin: unknown,
): void {
  const ws = getWorkspace(doc)
  doc.transact(() => {
    // Nested types are created here, once: two clients creating the same key concurrently
    // would each make their own Y.Map/Y.Text and one side's content would be lost.
    for (const c of task.candidates) {
      ws.notes.set(c.id, new Y.Text())
      ws.ratings.set(c.id, new Y.Map<number>())
    }
    if (task.tests) ws.tests.insert(0, task.tests)
  }, origin)
}
