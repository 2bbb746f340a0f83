/** The team's written rationale: the shared "Explanation" editor, with a rendered preview. */
import { createEffect, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { EditorView } from '@codemirror/view'
import { useView } from '../../../stores/view'
import { ShortcutGroup, useShortcuts } from '../../../stores/shortcuts'
import { createYText } from '../../../sync/createYText'
import { CollabEditor } from './CollabEditor'
import { MarkdownView } from '../../common/MarkdownView'
import { revealElement } from '../reveal'
import { highlightBlocks } from '../../../editor/highlightBlocks'

export const ExplanationPanel: Component<{
  ytext: Y.Text
  awareness: Awareness
  readOnly: boolean
  preview: boolean
  onPreview: (on: boolean) => void
  /** The task's language: unfenced code blocks in the preview are highlighted in it. */
  language?: string
}> = (props) => {
  const view = useView()
  const text = createYText(props.ytext)
  let section: HTMLElement | undefined
  let editor: EditorView | undefined
  let preview: HTMLDivElement | undefined
  onCleanup(view.registerArea('explanation', () => revealElement(section)))
  // Code blocks in the preview are highlighted after each render, so they read like the editors' code.
  createEffect(() => {
    text()
    if (props.preview && preview) highlightBlocks(preview, props.language)
  })
  const focus = () => {
    props.onPreview(false)
    editor?.focus()
  }
  // Focus follows the switch when it was inside the panel: a hidden editor must not keep it.
  const toggle = () => {
    const inside = section?.contains(document.activeElement) ?? false
    props.onPreview(!props.preview)
    if (inside) (props.preview ? preview : editor)?.focus()
  }
  useShortcuts([
    {
      keys: ['e', 'Alt+Shift+E'],
      label: 'Focus Explanation',
      group: ShortcutGroup.edit,
      run: focus,
    },
    {
      keys: ['p', 'Alt+Shift+P'],
      label: 'Toggle the Explanation preview',
      group: ShortcutGroup.view,
      run: toggle,
    },
  ])
  return (
    <section ref={section} class="pane editor-pane" aria-labelledby="explanation-title">
      <header class="pane-head">
        <h2 id="explanation-title">Explanation</h2>
        <kbd class="hint">e</kbd>
        <Show when={props.readOnly}>
          <span class="muted small">read only</span>
        </Show>
        <button type="button" class="toggle" aria-pressed={props.preview} onClick={toggle}>
          Preview <kbd class="hint">p</kbd>
        </button>
      </header>
      {/* The editor stays mounted under the preview: undo history and cursors survive. */}
      <div class="pane-fill" hidden={props.preview}>
        <CollabEditor
          ytext={props.ytext}
          awareness={props.awareness}
          label="Explanation"
          readOnly={props.readOnly}
          prose
          onView={(v) => (editor = v)}
          onFocus={() => view.setCurrent({ area: 'explanation' })}
          placeholder="Why is the best candidate best? Cite lines and failing cases."
        />
      </div>
      <Show when={props.preview}>
        <div
          ref={preview}
          class="pane-scroll preview"
          tabindex="0"
          aria-label="Explanation preview"
        >
          <Show when={text().trim()} fallback={<p class="muted">Nothing written yet.</p>}>
            <MarkdownView text={text()} />
          </Show>
        </div>
      </Show>
    </section>
  )
}
