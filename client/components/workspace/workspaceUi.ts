/** The workspace's local UI state: which candidate is shown, the compare pair, open panels. */
import { createSignal } from 'solid-js'
import type { Accessor } from 'solid-js'

/** The candidates area shows one candidate (its id) or this value, the diff of two. */
export const COMPARE_TAB = ':compare'

export interface WorkspaceUi {
  /** A candidate id, or `COMPARE_TAB`. */
  tab: Accessor<string>
  setTab(tab: string): void
  /** Leaves Compare for the candidate shown before it. */
  closeCompare(): void
  /** The two candidates of the compare view, left then right. */
  pair: Accessor<[string, string]>
  setPair(pair: [string, string]): void
  guidelinesOpen: Accessor<boolean>
  setGuidelinesOpen(open: boolean): void
  preview: Accessor<boolean>
  setPreview(on: boolean): void
  helpOpen: Accessor<boolean>
  setHelpOpen(open: boolean): void
}

/** Local to this browser tab: none of it is shared, except through the published `view`. */
export function createWorkspaceUi(candidateIds: readonly string[]): WorkspaceUi {
  const [tab, setTabSignal] = createSignal(candidateIds[0] ?? COMPARE_TAB)
  let lastCandidate = candidateIds[0] ?? COMPARE_TAB
  const setTab = (next: string) => {
    if (next !== COMPARE_TAB) lastCandidate = next
    setTabSignal(next)
  }
  const [pair, setPair] = createSignal<[string, string]>([
    candidateIds[0] ?? '',
    candidateIds[1] ?? candidateIds[0] ?? '',
  ])
  const [guidelinesOpen, setGuidelinesOpen] = createSignal(false)
  const [preview, setPreview] = createSignal(false)
  const [helpOpen, setHelpOpen] = createSignal(false)
  return {
    tab,
    setTab,
    closeCompare: () => setTab(lastCandidate),
    pair,
    setPair,
    guidelinesOpen,
    setGuidelinesOpen,
    preview,
    setPreview,
    helpOpen,
    setHelpOpen,
  }
}
