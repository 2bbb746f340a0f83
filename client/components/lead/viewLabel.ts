/** How the lead's dashboard names what a person in a workspace looks at. */
import type { PresentView } from '../../../shared/types'

// A Map, so an area name from the wire never reads an inherited property.
const AREA_LABEL = new Map<string, string>([
  ['prompt', 'Prompt'],
  ['explanation', 'Explanation'],
  ['solution', 'Reference solution'],
  ['tests', 'Tests'],
  ['candidate', 'Candidate'],
  ['compare', 'Compare'],
  ['ranking', 'Ranking'],
  ['rubric', 'Rubric'],
])

/** A short label of a published view ("Candidate b", "Tests"); plain text, never HTML. */
export function viewLabel(view: PresentView | undefined): string {
  if (!view) return ''
  const area = AREA_LABEL.get(view.area) ?? view.area
  const candidate = view.candidateLabel ?? view.candidateId
  return candidate ? `${area}, ${candidate}` : area
}
