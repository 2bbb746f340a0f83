/**
 * The task's prompt, rendered from markdown or shown as a chat transcript for a conversation;
 * published as the `prompt` view when focused.
 */
import { onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { useView } from '../../../stores/view'
import { isConversation } from '../../../../shared/types'
import type { ChatMessage, Prompt } from '../../../../shared/types'
import { MarkdownView } from '../../common/MarkdownView'
import { ChatTranscript } from './ChatTranscript'
import { revealElement } from '../reveal'

export const PromptPanel: Component<{ prompt: Prompt }> = (props) => {
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
        <Show
          when={isConversation(props.prompt)}
          fallback={<MarkdownView text={props.prompt as string} class="prompt" />}
        >
          <ChatTranscript messages={props.prompt as ChatMessage[]} />
        </Show>
      </div>
    </section>
  )
}
