/** How far a workspace has come, for the queue: computed from the document, the same everywhere. */
import type * as Y from 'yjs'
import { getWorkspace } from './schema'
import { isFullyRanked, readRanking } from './ranking'
import { countScores, readRatings, readText } from './readers'
import type { ScaleCriterion } from './readers'
import type { Progress } from './types'

export type { Progress }

const TEST_CASE_RE = /^\s*(?:async\s+)?def\s+test_\w*\s*\(|\btest\s*\(\s*['"`]/gm

/** Counts test cases the way the queue shows them (pytest functions or `test('…'` calls). */
export function countTestCases(tests: string): number {
  return (tests.match(TEST_CASE_RE) ?? []).length
}

/**
 * The progress of `doc`, read through the defensive readers: whatever a writer put in the
 * document (a rating set to a number, say), this never throws.
 */
export function computeProgress(
  doc: Y.Doc,
  task: { candidates: readonly { id: string }[] },
  criteria: readonly ScaleCriterion[],
): Progress {
  const ws = getWorkspace(doc)
  const ids = task.candidates.map((c) => c.id)
  const explanation = readText(ws.explanation).trim()
  return {
    ranked: isFullyRanked(readRanking(ws.ranking, ids), ids),
    scores: countScores(readRatings(ws.ratings, ids, criteria)),
    scoresNeeded: ids.length * criteria.length,
    explanationWords: explanation ? explanation.split(/\s+/).length : 0,
    testCases: countTestCases(readText(ws.tests)),
    solution: readText(ws.solution).trim().length > 0,
  }
}
