/** A ballot's submission and completeness, read defensively from the ballot room (docs/workflow.md#independent-mode). */
import type * as Y from 'yjs'
import { getBallot } from './schema'
import { ownValue } from './readers'
import type { BallotContent, ScaleCriterion } from './readers'
import { isFullyRanked } from './ranking'

/** Keys of the ballot's `submission` map, written by the server only. */
export const SubmissionKey = { submitted_at: 'submitted_at', by: 'by' } as const

/** A ballot's submission as the server stored it. */
export interface Submission {
  submitted_at: string
  by: string
}

/** The submission in a ballot room, or null when there is none or it is malformed. */
export function readSubmission(doc: Y.Doc): Submission | null {
  const map = getBallot(doc).submission
  const at: unknown = map.get(SubmissionKey.submitted_at)
  const by: unknown = map.get(SubmissionKey.by)
  if (typeof at !== 'string' || typeof by !== 'string' || Number.isNaN(Date.parse(at))) return null
  return { submitted_at: at, by }
}

/** What keeps a ballot from being complete: unplaced candidates and missing scores, as counts. */
export interface BallotGaps {
  unplaced: number
  unscored: number
}

/** How far a ballot is from complete: every candidate placed, every criterion scored for each. */
export function ballotGaps(
  content: BallotContent,
  candidateIds: readonly string[],
  criteria: readonly ScaleCriterion[],
): BallotGaps {
  const unplaced = candidateIds.length - content.ranking.length
  let unscored = 0
  for (const id of candidateIds) {
    const row = ownValue(content.ratings, id)
    for (const c of criteria) if (ownValue(row, c.id) === undefined) unscored++
  }
  return { unplaced, unscored }
}

/** True when the ballot can be submitted: fully ranked and fully scored. */
export function isBallotComplete(
  content: BallotContent,
  candidateIds: readonly string[],
  criteria: readonly ScaleCriterion[],
): boolean {
  const gaps = ballotGaps(content, candidateIds, criteria)
  return isFullyRanked(content.ranking, candidateIds) && gaps.unscored === 0
}

/** A sentence saying what a ballot still needs, for a refused submit and the Submit button's hint. */
export function describeGaps(gaps: BallotGaps): string {
  const parts: string[] = []
  if (gaps.unplaced) parts.push(`${gaps.unplaced} candidate${gaps.unplaced === 1 ? '' : 's'} to place`)
  if (gaps.unscored) parts.push(`${gaps.unscored} score${gaps.unscored === 1 ? '' : 's'} to give`)
  return parts.length ? `The ballot is not complete: ${parts.join(' and ')}.` : 'The ballot is complete.'
}

/** The audit action of a ballot's submit; the people page counts it as a task submitted. */
export const BALLOT_SUBMIT_ACTION = 'submit_ballot'
