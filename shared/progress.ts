/** How far a workspace has come, for the queue: computed from the document, the same everywhere. */
import type * as Y from 'yjs'
import { getWorkspace } from './schema'
import { readRanking } from './ranking'

export interface Progress {
  /** The ranking differs from the import order. */
  ranked: boolean
  /** Scores given, out of candidates × criteria. */
  scores: number
  scoresNeeded: number
  /** Words in the explanation. */
  explanationWords: number
  /** Test cases found in the tests text (`def test_…` or `test(`). */
  testCases: number
  /** The reference solution is not empty. */
  solution: boolean
}

const TEST_CASE_RE = /^\s*(?:async\s+)?def\s+test_\w*\s*\(|\btest\s*\(\s*['"`]/gm

export function countTestCases(tests: string): number {
  return (tests.match(TEST_CASE_RE) ?? []).length
}

export function computeProgress(doc: Y.Doc, task: { candidates: { id: string }[] }, criteria: readonly string[]): Progress {
  const ws = getWorkspace(doc)
  const ids = task.candidates.map((c) => c.id)
  let scores = 0
  for (const id of ids) {
    const m = ws.ratings.get(id)
    if (!m) continue
    for (const c of criteria) if (typeof m.get(c) === 'number') scores++
  }
  const explanation = ws.explanation.toString().trim()
  return {
    ranked: readRanking(ws.ranking, ids).join('\n') !== ids.join('\n'),
    scores,
    scoresNeeded: ids.length * criteria.length,
    explanationWords: explanation ? explanation.split(/\s+/).length : 0,
    testCases: countTestCases(ws.tests.toString()),
    solution: ws.solution.toString().trim().length > 0,
  }
}
