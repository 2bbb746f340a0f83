/** The batch's guidelines (markdown) and rubric criteria, in a panel that folds away. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RubricCriterion } from '../../../../shared/types'
import { ShortcutGroup, useShortcuts } from '../../../stores/shortcuts'
import { MarkdownView } from '../../common/MarkdownView'

export const GuidelinesPanel: Component<{
  guidelines: string
  rubric: RubricCriterion[]
  open: boolean
  onToggle: (open: boolean) => void
}> = (props) => {
  const toggle = () => props.onToggle(!props.open)
  useShortcuts([
    {
      keys: ['g', 'Alt+Shift+G'],
      label: 'Show or hide guidelines and rubric',
      group: ShortcutGroup.view,
      run: toggle,
    },
  ])
  return (
    <section
      class="pane guidelines-pane"
      classList={{ open: props.open }}
      aria-label="Guidelines and rubric"
    >
      <header class="pane-head">
        <button
          type="button"
          class="disclosure"
          aria-expanded={props.open}
          aria-controls="guidelines-body"
          onClick={toggle}
        >
          <span class="chevron" aria-hidden="true" />
          Guidelines &amp; rubric
        </button>
        <kbd class="hint">g</kbd>
      </header>
      <Show when={props.open}>
        <div
          id="guidelines-body"
          class="pane-scroll"
          tabindex="0"
          aria-label="Guidelines and rubric text"
        >
          <Show
            when={props.guidelines.trim()}
            fallback={<p class="muted">This batch has no guidelines.</p>}
          >
            <MarkdownView text={props.guidelines} />
          </Show>
          <h3>Rubric</h3>
          <dl class="criteria">
            <For each={props.rubric}>
              {(c) => (
                <div>
                  <dt>
                    {c.name} <span class="muted">{c.min}–{c.max}</span>
                  </dt>
                  <dd>{c.description}</dd>
                </div>
              )}
            </For>
          </dl>
        </div>
      </Show>
    </section>
  )
}
