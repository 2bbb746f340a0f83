/** Candidate labels: the one place that decides how a candidate is named on the page (blind or not). */
import { createContext, useContext } from 'solid-js'
import type { ParentComponent } from 'solid-js'
import type { Anchor } from '../../shared/anchors'
import { blindLetter } from '../../shared/blind'
import type { Candidate, Role } from '../../shared/types'

/**
 * How the page names candidates. In a blind batch, for everyone but the lead, a candidate is a
 * letter (A, B, C… in the task's blind order, shared/blind.ts) and neither its id nor its model
 * may reach the DOM (text, attributes, aria, titles): ids may be model-like ("gpt4o-run3").
 * Components never print `candidate.id` or `candidate.model`; they ask here. The workspace keeps
 * storing real ids (DESIGN.md); only what is shown changes.
 */
export interface CandidateLabels {
  /** True when candidates are shown as letters. */
  readonly blind: boolean
  /** The short name: "A" when blind, else the id. */
  label(id: string): string
  /** The model to show next to the name, or undefined (always undefined when blind). */
  model(candidate: Candidate): string | undefined
  /** A DOM-safe key for `data-*` attributes, element ids and option values (the letter when blind). */
  key(id: string): string
  /** The real id behind a key read back from the DOM. */
  idOf(key: string): string
  /** The anchor as it should be described: candidate ids in lines and notes anchors replaced by labels. */
  anchor<A extends Anchor | null>(anchor: A): A
}

/**
 * Labels for one task: letters when the batch is blind and the viewer is not the lead. The server
 * already sends a blind task's candidates in its blind order (shared/blind.ts `blindOrder`), so
 * the letters follow the order given: the first is A.
 */
export function createCandidateLabels(
  task: { id: string; blind: boolean; candidates: readonly Candidate[] },
  role: Role,
): CandidateLabels {
  const ids = task.candidates.map((c) => c.id)
  const blind = task.blind && role !== 'lead'
  const letters = new Map(ids.map((id, i) => [id, blind ? blindLetter(i) : id]))
  const back = new Map([...letters].map(([id, l]) => [l, id]))
  // Unknown ids (a stale anchor, a crafted presence view) are never echoed when blind.
  const label = (id: string) => letters.get(id) ?? (blind ? '?' : id)
  return {
    blind,
    label,
    model: (c) => (blind ? undefined : c.model),
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
