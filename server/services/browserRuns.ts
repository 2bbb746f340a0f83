/**
 * Browser-reported runs: the server checks who may report one, stamps who ran it and when, and
 * writes it into the workspace's `runs` map as its own write, so the room sees it live. Clients
 * never write that map directly (sync/writeRules.ts refuses them).
 */
import { CodejuryError } from '../../shared/errors'
import { Access } from '../../shared/permissions'
import { SOLUTION_RUN_KEY } from '../../shared/readers'
import { roomName } from '../../shared/roomNames'
import type { RunReport } from '../../shared/runReport'
import { getWorkspace } from '../../shared/schema'
import type { RunResult } from '../../shared/schema'
import type { StoredUser, RecordsDb } from '../storage/recordsDb'
import type { Rooms } from '../sync/rooms'
import type { LiveAccess } from './access'

/** A stored run as docs/protocol.md#the-runs-map shapes it: the report, stamped, with its tampering flags if any. */
export type StampedRun = RunResult & { flags?: string[] }

export interface BrowserRunDeps {
  db: RecordsDb
  rooms: Rooms
  access: LiveAccess
  now?: () => Date
}

/**
 * Whether `user` may write runs into `taskId`'s workspace now: the same decision a workspace
 * connection gets (assigned annotator or lead, the task neither finalized nor being sealed).
 * Throws the refusal a route answers with.
 */
function assertMayReport(deps: BrowserRunDeps, user: StoredUser, taskId: string): void {
  const verdict = deps.access.decide(user.id, null, { kind: 'workspace', taskId })
  if ('close' in verdict) throw new CodejuryError('not-found', 'no such task')
  if (verdict.access === Access.write) return
  if (user.role === 'reviewer') throw new CodejuryError('forbidden', 'a reviewer does not report runs')
  throw new CodejuryError('conflict', `runs cannot be reported now: ${verdict.reason}`)
}

/**
 * Stores one browser's run of one subject as the latest run of that subject. `ran_by` is the
 * caller and `ran_at` the server's clock, whatever the body said. Returns what was stored.
 */
export async function reportRun(deps: BrowserRunDeps, user: StoredUser, taskId: string, report: RunReport): Promise<StampedRun> {
  assertMayReport(deps, user, taskId)
  const task = deps.db.task(taskId)!
  const subject = report.subject
  if (subject !== SOLUTION_RUN_KEY && !task.candidates.some((c) => c.id === subject)) {
    throw new CodejuryError('bad-input', `subject must be a candidate of the task or "${SOLUTION_RUN_KEY}"`)
  }
  const { run } = report
  const stamped: StampedRun = {
    status: run.status,
    passed: run.passed,
    failed: run.failed,
    total: run.total,
    duration_ms: Math.round(run.duration_ms),
    ran_by: user.id,
    ran_at: (deps.now?.() ?? new Date()).toISOString(),
    tests_sha256: run.tests_sha256,
    code_sha256: run.code_sha256,
    cases: run.cases.map((c) => (c.message === undefined ? { name: c.name, status: c.status } : { name: c.name, status: c.status, message: c.message })),
    ...(run.flags && run.flags.length > 0 ? { flags: [...new Set(run.flags)] } : {}),
  }
  await deps.rooms.transact(roomName.workspace(taskId), (doc) => {
    // Decided again inside the write: a finalize that began while the room loaded seals it.
    assertMayReport(deps, user, taskId)
    getWorkspace(doc).runs.set(subject, stamped)
  })
  return stamped
}
