/** The team's written rationale: the shared "Explanation" editor over the workspace's Y.Text. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { proseMarkdown } from '../editor/languages'
import { CollabEditor } from './CollabEditor'

export const ExplanationPanel: Component<{
  ytext: Y.Text
  awareness: Awareness
  readOnly: boolean
}> = (props) => (
  <section class="panel" aria-labelledby="explanation-title">
    <h2 id="explanation-title">Explanation</h2>
    <Show when={props.readOnly}>
      <p class="muted small">Read only: you can follow along but not edit.</p>
    </Show>
    <CollabEditor
      ytext={props.ytext}
      awareness={props.awareness}
      label="Explanation"
      readOnly={props.readOnly}
      language={proseMarkdown()}
      wrap
      placeholder="Why is the best candidate best? Cite lines and failing cases."
    />
  </section>
)
