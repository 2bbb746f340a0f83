/** Candidate labels: the one place that decides how a candidate is named on the page (blind or not). */
import { createContext, useContext } from 'solid-js'
import type { ParentComponent } from 'solid-js'
import type { Anchor } from '../../shared/anchors'
import { blindLetter } from '../../shared/blind'
import type { Candidate, Role } from '../../shared/types'

/**
 * How the page names candidates. In a blind batch every person, the lead included, names a
 * candidate by the letter the server gave it (`label` in `GET /api/tasks/:id`: A, B, C… in the
 * task's blind order, shared/blind.ts), so "B fails" means the same code to everyone. Only the
 * lead is sent models and import ids; the ids the rooms use are opaque, and still never reach the
 * DOM when blind (text, attributes, aria, titles). Components never print `candidate.id` or
 * `candidate.model`; they ask here. The workspace stores room ids; only what is shown
 * changes.
 */
export interface CandidateLabels {
  /** True when candidates are shown as letters. */
  readonly blind: boolean
  /** The short name: "A" when blind, else the import id. */
  label(id: string): string
  /** The model to show next to the name, or undefined (only the lead is sent models in a blind batch). */
  model(candidate: Candidate): string | undefined
  /** A DOM-safe key for `data-*` attributes, element ids and option values (the letter when blind). */
  key(id: string): string
  /** The real id behind a key read back from the DOM. */
  idOf(key: string): string
  /** The anchor as it should be described: candidate ids in lines and notes anchors replaced by labels. */
  anchor<A extends Anchor | null>(anchor: A): A
}

/**
 * Labels for one task, as the server sent them (`label` on each candidate; in a blind batch the
 * candidates also come in letter order). A candidate without a label (an older answer) is named
 * by its position's letter when blind, by its id when not.
 */
export function createCandidateLabels(
  task: { id: string; blind: boolean; candidates: readonly Candidate[] },
  _role: Role,
): CandidateLabels {
  const blind = task.blind
  const letters = new Map(task.candidates.map((c, i) => [c.id, c.label ?? (blind ? blindLetter(i) : c.id)]))
  const back = new Map([...letters].map(([id, l]) => [l, id]))
  // Unknown ids (a stale anchor, a crafted presence view) are never echoed when blind.
  const label = (id: string) => letters.get(id) ?? (blind ? '?' : id)
  return {
    blind,
    label,
    model: (c) => c.model,
    key: label,
    idOf: (key) => back.get(key) ?? key,
    anchor: (a) => {
      if (!a) return a
      if (a.kind === 'lines') return { ...a, candidate: label(a.candidate) }
      if (a.kind === 'text' && a.field.startsWith('notes:')) return { ...a, field: `notes:${label(a.field.slice(6))}` as const }
      return a
    },
  }
}

/** Identity labels: what a page outside any task (or a test harness) gets. */
const OPEN_LABELS = createCandidateLabels({ id: '', blind: false, candidates: [] }, 'lead')

const LabelsContext = createContext<CandidateLabels>(OPEN_LABELS)

/** Gives every component below the task's candidate labels. */
export const CandidateLabelsProvider: ParentComponent<{ labels: CandidateLabels }> = (props) => (
  <LabelsContext.Provider value={props.labels}>{props.children}</LabelsContext.Provider>
)

/** The candidate labels of the task on screen. */
export function useCandidateLabels(): CandidateLabels {
  return useContext(LabelsContext)
}
