/** A conversational prompt shown as a chat transcript: one labelled turn per message. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import type { ChatMessage } from '../../../../shared/types'
import { MarkdownView } from '../../common/MarkdownView'

const ROLE_LABEL = { system: 'System', user: 'User', assistant: 'Assistant' } as const

/** Each message's content is markdown, rendered through the sanitizer like every prompt. */
export const ChatTranscript: Component<{ messages: ChatMessage[] }> = (props) => (
  <ol class="chat" aria-label="Conversation">
    <For each={props.messages}>
      {(m) => (
        <li class={`chat-turn chat-${m.role}`}>
          <span class="chat-role">{ROLE_LABEL[m.role]}</span>
          <MarkdownView text={m.content} class="chat-content" />
        </li>
      )}
    </For>
  </ol>
)
