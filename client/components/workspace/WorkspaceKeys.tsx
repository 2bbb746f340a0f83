/** Workspace-wide shortcuts that belong to no single panel: help, follow and unfollow. */
import { onCleanup } from 'solid-js'
import type { Component } from 'solid-js'
import type { Awareness } from 'y-protocols/awareness'
import { useView } from '../../stores/view'
import { createShortcutListener, ShortcutGroup, useShortcuts } from '../../stores/shortcuts'

/** The first other person in the room who publishes a view, by awareness client id. */
function firstOther(awareness: Awareness): number | null {
  const self = awareness.clientID
  const selfUser = awareness.getLocalState()?.user?.id
  for (const [id, state] of awareness.getStates()) {
    if (id !== self && state.view && state.user?.id !== selfUser) return id
  }
  return null
}

/** Renders nothing; owns the window key listener for the workspace's lifetime. */
export const WorkspaceKeys: Component<{
  awareness: Awareness
  helpOpen: boolean
  onHelp: (open: boolean) => void
}> = (props) => {
  const view = useView()
  createShortcutListener()
  // The presence list stops following on any key of ours before this listener runs, so read
  // whether we were following when the key went down (window capture runs first).
  let wasFollowing = false
  const snapshot = () => (wasFollowing = view.following() !== null)
  window.addEventListener('keydown', snapshot, { capture: true })
  onCleanup(() => window.removeEventListener('keydown', snapshot, { capture: true }))
  const toggleFollow = () => view.follow(wasFollowing ? null : firstOther(props.awareness))
  useShortcuts([
    {
      keys: ['?'],
      label: 'Show this help',
      group: ShortcutGroup.view,
      run: () => props.onHelp(!props.helpOpen),
    },
    {
      keys: ['f', 'Alt+Shift+F'],
      label: 'Follow someone in the room, or stop following',
      group: ShortcutGroup.people,
      run: toggleFollow,
    },
    {
      keys: ['Escape'],
      label: 'Stop following',
      group: ShortcutGroup.people,
      when: () => view.following() !== null,
      run: () => view.follow(null),
    },
  ])
  return null
}
