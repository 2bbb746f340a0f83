/** The task's prompt, rendered from markdown; published as the `prompt` view when focused. */
import { onCleanup } from 'solid-js'
import type { Component } from 'solid-js'
import { useView } from '../stores/view'
import { MarkdownView } from './MarkdownView'
import { revealElement } from './reveal'

export const PromptPanel: Component<{ prompt: string }> = (props) => {
  const view = useView()
  let section: HTMLElement | undefined
  onCleanup(view.registerArea('prompt', () => revealElement(section)))
  return (
    <section
      ref={section}
      class="pane prompt-pane"
      aria-labelledby="prompt-title"
      onFocusIn={() => view.setCurrent({ area: 'prompt' })}
      onPointerDown={() => view.setCurrent({ area: 'prompt' })}
    >
      <header class="pane-head">
        <h2 id="prompt-title">Prompt</h2>
      </header>
      {/* Focusable so the keyboard can scroll a long prompt. */}
      <div class="pane-scroll" tabindex="0" aria-labelledby="prompt-title">
        <MarkdownView text={props.prompt} class="prompt" />
      </div>
    </section>
  )
}
