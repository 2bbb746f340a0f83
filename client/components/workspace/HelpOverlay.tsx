/** The keyboard help: every registered shortcut, grouped, in a modal dialog opened with `?`. */
import { createEffect, For } from 'solid-js'
import type { Component } from 'solid-js'
import { ShortcutGroup, shortcuts } from '../../stores/shortcuts'
import type { Shortcut } from '../../stores/shortcuts'

const keysText = (s: Shortcut) =>
  s.display ?? s.keys.filter((k) => !k.includes('+')).join(' or ')

export const HelpOverlay: Component<{ open: boolean; onClose: () => void }> = (props) => {
  let dialog: HTMLDialogElement | undefined
  // A native modal dialog: it traps focus, closes on Escape and gives focus back on close.
  createEffect(() => {
    if (!dialog) return
    if (props.open && !dialog.open) dialog.showModal()
    if (!props.open && dialog.open) dialog.close()
  })
  const groups = () =>
    Object.values(ShortcutGroup)
      .map((group) => ({
        group,
        items: shortcuts().filter((s) => s.group === group && !s.hidden),
      }))
      .filter((g) => g.items.length > 0)
  return (
    <dialog
      ref={dialog}
      class="help"
      role="dialog"
      aria-labelledby="help-title"
      onClose={() => props.onClose()}
    >
      <header class="pane-head">
        <h2 id="help-title">Keyboard shortcuts</h2>
        <button type="button" class="icon" aria-label="Close" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <p class="muted small">
        Single keys work outside text fields. Alt+Shift with the same key also works while typing.
      </p>
      <p class="small" data-testid="help-tab">
        <kbd>Tab</kbd> moves between panes and controls. In a code editor it indents only after
        you typed or pressed <kbd>Enter</kbd> there. <kbd>Esc</kbd> always leaves an editor: focus
        goes to its pane, where single keys work, and the next <kbd>Tab</kbd> moves on.
      </p>
      <div class="help-groups">
        <For each={groups()}>
          {(g) => (
            <section>
              <h3>{g.group}</h3>
              <dl>
                <For each={g.items}>
                  {(s) => (
                    <div>
                      <dt>
                        <kbd>{keysText(s)}</kbd>
                      </dt>
                      <dd>{s.label}</dd>
                    </div>
                  )}
                </For>
              </dl>
            </section>
          )}
        </For>
      </div>
    </dialog>
  )
}
