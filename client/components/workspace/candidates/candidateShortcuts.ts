/** The candidates area's keys: 1–9 pick a candidate, [ and ] step, c compares, n takes notes. */
import { ShortcutGroup, useShortcuts } from '../../../stores/shortcuts'
import type { Shortcut } from '../../../stores/shortcuts'
import { COMPARE_TAB } from '../workspaceUi'
import type { WorkspaceUi } from '../workspaceUi'

export interface CandidateShortcutsOptions {
  ids: string[]
  ui: WorkspaceUi
  focusNotes: () => void
}

/** Registers the keys for the calling component's lifetime. */
export function candidateShortcuts(options: CandidateShortcutsOptions): void {
  const { ids, ui } = options
  const step = (by: number) => {
    const all = [...ids, COMPARE_TAB]
    ui.setTab(all[(all.indexOf(ui.tab()) + by + all.length) % all.length])
  }
  const pick: Shortcut[] = ids.slice(0, 9).map((id, i) => ({
    keys: [String(i + 1), `Alt+Shift+${i + 1}`],
    label: 'Show candidate 1–9',
    display: '1 – 9',
    // One line in the help overlay stands for the whole family.
    hidden: i > 0,
    group: ShortcutGroup.navigate,
    run: () => ui.setTab(id),
  }))
  useShortcuts([
    ...pick,
    { keys: [']'], label: 'Next candidate', group: ShortcutGroup.navigate, run: () => step(1) },
    {
      keys: ['['],
      label: 'Previous candidate',
      group: ShortcutGroup.navigate,
      run: () => step(-1),
    },
    {
      keys: ['c', 'Alt+Shift+C'],
      label: 'Compare two candidates',
      group: ShortcutGroup.navigate,
      run: () => ui.setTab(COMPARE_TAB),
    },
    {
      keys: ['n', 'Alt+Shift+N'],
      label: 'Focus the notes on this candidate',
      group: ShortcutGroup.edit,
      run: options.focusNotes,
    },
  ])
}
