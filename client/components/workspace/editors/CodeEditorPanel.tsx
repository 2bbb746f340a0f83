/** A shared code editor pane: "Reference solution" or "Tests", in the task's language. */
import { onCleanup, Show } from 'solid-js'
import type { Component, JSX } from 'solid-js'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { EditorView } from '@codemirror/view'
import { useView } from '../../../stores/view'
import type { ViewArea } from '../../../stores/view'
import { ShortcutGroup, useShortcuts } from '../../../stores/shortcuts'
import { CollabEditor } from './CollabEditor'
import { revealElement } from '../reveal'

export const CodeEditorPanel: Component<{
  /** The accessible name, as docs/workspace.md spells it. */
  label: string
  area: ViewArea
  /** The single key that focuses this editor from outside any text field. */
  hotkey: string
  ytext: Y.Text
  awareness: Awareness
  language: string
  readOnly: boolean
  placeholder?: string
  /** Controls for the pane's header (e.g. the test runner's button). */
  tools?: JSX.Element
}> = (props) => {
  const view = useView()
  const titleId = `${props.area}-title`
  let section: HTMLElement | undefined
  let editor: EditorView | undefined
  onCleanup(view.registerArea(props.area, () => revealElement(section)))
  useShortcuts([
    {
      keys: [props.hotkey, `Alt+Shift+${props.hotkey.toUpperCase()}`],
      label: `Focus ${props.label}`,
      group: ShortcutGroup.edit,
      run: () => editor?.focus(),
    },
  ])
  return (
    <section ref={section} class="pane editor-pane" aria-labelledby={titleId}>
      <header class="pane-head">
        <h2 id={titleId}>{props.label}</h2>
        <kbd class="hint">{props.hotkey}</kbd>
        <span class="muted small">{props.language}</span>
        <Show when={props.readOnly}>
          <span class="muted small">read only</span>
        </Show>
        <span class="pane-tools">{props.tools}</span>
      </header>
      <div class="pane-fill">
        <CollabEditor
          ytext={props.ytext}
          awareness={props.awareness}
          label={props.label}
          readOnly={props.readOnly}
          language={props.language}
          placeholder={props.placeholder}
          onView={(v) => (editor = v)}
          onFocus={() => view.setCurrent({ area: props.area })}
        />
      </div>
    </section>
  )
}
