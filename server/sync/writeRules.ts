/**
 * Per-room write rules: what a writer may change in a room beyond having write access to it.
 * A room asks its rules about every writer's update that passed the integrity check; a refused
 * update is dropped whole (never applied, stored or relayed) and the writer is told why with the
 * protocol's auth message. The rules see the update through an UpdateView, never by applying it.
 *
 * - workspace (`task:<id>`): the `runs` and `server_runs` roots are written by the server only;
 * - ballot (`task:<id>:ballot:<user>`): `submission` is written by the server only, and a
 *   submitted ballot takes no writes until it is withdrawn;
 * - comments: see commentRules.ts.
 */
import { readSubmission } from '../../shared/ballots'
import type { ParsedRoom } from '../../shared/roomNames'
import { BallotRoot, WorkspaceRoot } from '../../shared/schema'
import { REFUSED_PREFIX } from '../../shared/refusals'
import type { UpdateView } from './updateView'

/** Who writes: the connection's user as the server knows them (never what the client claims). */
export interface Writer {
  readonly id: string
  readonly role: string
}

/** The rules of one room. `check` returns why the update is refused, or null to accept it. */
export interface WriteRules {
  check(view: UpdateView, writer: Writer): string | null
  /** Called after an accepted update was applied (bookkeeping: rates, tombstones). */
  afterApply?(view: UpdateView, writer: Writer): void
}


/** The roots an update adds to or deletes from. */
export function rootsTouched(view: UpdateView): Set<string | null> {
  const roots = new Set<string | null>()
  for (const item of view.added) roots.add(view.rootOf(item))
  for (const item of view.deleted) roots.add(view.rootOf(item))
  return roots
}

/** Workspace roots only the server writes: browsers report runs through the API, the server stamps them. */
export const SERVER_ROOTS: readonly string[] = [WorkspaceRoot.runs, WorkspaceRoot.server_runs]

/** Workspace rooms: the run maps are the server's (browsers report runs through the API). */
export const workspaceRules: WriteRules = {
  check(view) {
    const roots = rootsTouched(view)
    for (const root of SERVER_ROOTS) {
      if (roots.has(root)) return `${REFUSED_PREFIX}${root} is written by the server only; report runs through the API`
    }
    return null
  },
}

/** Ballot rooms: the submission is the server's, and a submitted ballot is sealed until withdrawn. */
export const ballotRules: WriteRules = {
  check(view) {
    const roots = rootsTouched(view)
    if (roots.has(BallotRoot.submission)) return `${REFUSED_PREFIX}a ballot's submission is written by the server only`
    if (roots.size > 0 && readSubmission(view.doc) !== null) {
      return `${REFUSED_PREFIX}your ballot is submitted: withdraw it to change it`
    }
    return null
  },
}

/** The built-in rules of a room kind that needs no outside knowledge; null for the others. */
export function staticRulesFor(room: ParsedRoom | null): WriteRules | null {
  if (room?.kind === 'workspace') return workspaceRules
  if (room?.kind === 'ballot') return ballotRules
  return null
}
