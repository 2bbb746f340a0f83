/** The task's prompt, shown as plain text (markdown rendering comes with `renderMarkdown`). */
import type { Component } from 'solid-js'

export const PromptPanel: Component<{ prompt: string }> = (props) => (
  <section class="panel" aria-labelledby="prompt-title">
    <h2 id="prompt-title">Prompt</h2>
    <pre class="prompt">{props.prompt}</pre>
  </section>
)
