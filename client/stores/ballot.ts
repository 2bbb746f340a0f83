/** Ballot rooms on the client: one annotator's ballot as signals, for their own panel and the lead's view. */
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import type * as Y from 'yjs'
import { roomName } from '../../shared/roomNames'
import { getBallot } from '../../shared/schema'
import { readBallot } from '../../shared/readers'
import type { BallotContent } from '../../shared/readers'
import { readRanking } from '../../shared/ranking'
import { ballotGaps, isBallotComplete, readSubmission } from '../../shared/ballots'
import type { BallotGaps, Submission } from '../../shared/ballots'
import type { PresenceUser } from '../../shared/presence'
import type { TaskDetail } from '../api'
import { createRoomDoc } from '../sync/createRoomDoc'
import type { RoomDoc } from '../sync/createRoomDoc'

/** A ballot read live: its content, its submission, and how far it is from complete. */
export interface BallotState {
  content: Accessor<BallotContent>
  submission: Accessor<Submission | null>
  gaps: Accessor<BallotGaps>
  complete: Accessor<boolean>
  /** Submitted and still complete: what the merge and the stats count as submitted. */
  submitted: Accessor<boolean>
}

/**
 * Mirrors a ballot document into signals through the shared readers, re-read after every change
 * to its roots, for the calling owner's lifetime.
 */
export function createBallotState(doc: Y.Doc, task: Pick<TaskDetail, 'candidates' | 'rubric'>): BallotState {
  const ids = task.candidates.map((c) => c.id)
  const roots = getBallot(doc)
  const read = () => readBallot(doc, task, task.rubric)
  const [content, setContent] = createSignal<BallotContent>(read(), { equals: false })
  const [submission, setSubmission] = createSignal<Submission | null>(readSubmission(doc))
  const refresh = () => {
    setContent(read())
    setSubmission(readSubmission(doc))
  }
  for (const root of [roots.ranking, roots.ratings, roots.submission] as Y.AbstractType<unknown>[]) {
    root.observeDeep(refresh)
    onCleanup(() => root.unobserveDeep(refresh))
  }
  const complete = () => isBallotComplete(content(), ids, task.rubric)
  return {
    content,
    submission,
    gaps: () => ballotGaps(content(), ids, task.rubric),
    complete,
    submitted: () => submission() !== null && complete(),
  }
}

/** A ballot room and its live state. */
export interface BallotRoom {
  room: RoomDoc
  state: BallotState
}

/**
 * Opens `userId`'s ballot of the task. Its owner passes `user` (presence and an offline cache of
 * their own ballot); the lead passes none, so a ballot they only read is never cached.
 */
export function createBallotRoom(task: TaskDetail, userId: string, user?: PresenceUser): BallotRoom {
  const room = createRoomDoc(roomName.ballot(task.id, userId), user ? { user } : {})
  return { room, state: createBallotState(room.doc, task) }
}

/** How many candidates the shared ranking holds, live: empty means the ballots are not merged yet. */
export function createPlacedCount(ranking: Y.Array<string>, candidateIds: readonly string[]): Accessor<number> {
  const [count, setCount] = createSignal(readRanking(ranking, candidateIds).length)
  const read = () => setCount(readRanking(ranking, candidateIds).length)
  ranking.observe(read)
  onCleanup(() => ranking.unobserve(read))
  return count
}
