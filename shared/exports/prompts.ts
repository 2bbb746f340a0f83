/** How a prompt and a completion appear in an export row: TRL's standard (strings) or conversational form. */
import type { ChatMessage, Prompt } from '../types'

/**
 * The form of every prompt-carrying column in one export file. `conversational` as soon as one
 * selected record has a conversational prompt, so a column never mixes strings and message lists
 * (a `datasets` loader refuses a column whose type changes between rows).
 */
export const PromptForm = { standard: 'standard', conversational: 'conversational' } as const
export type PromptForm = (typeof PromptForm)[keyof typeof PromptForm]

/** A record's prompt read defensively: a message list stays one, anything else is text. */
export function readPrompt(prompt: unknown): Prompt {
  if (Array.isArray(prompt)) {
    return prompt.map((m) => ({ role: m?.role, content: typeof m?.content === 'string' ? m.content : '' }) as ChatMessage)
  }
  return typeof prompt === 'string' ? prompt : ''
}

/** The form a record's prompt needs on its own; a file takes `conversational` if any record does. */
export function promptFormOf(prompt: unknown): PromptForm {
  return Array.isArray(prompt) ? PromptForm.conversational : PromptForm.standard
}

/** The prompt as a message list: a markdown prompt becomes one user message. */
export function toMessages(prompt: Prompt): ChatMessage[] {
  return typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt.map((m) => ({ role: m.role, content: m.content }))
}

/** The `prompt` column: the markdown string, or the messages in the conversational form. */
export function toPromptColumn(prompt: Prompt, form: PromptForm): string | ChatMessage[] {
  if (form === PromptForm.conversational) return toMessages(prompt)
  return typeof prompt === 'string' ? prompt : promptAsText(prompt)
}

/** A completion column (`chosen`, `completion`…): the code, or one assistant message holding it. */
export function toCompletion(code: string, form: PromptForm): string | ChatMessage[] {
  return form === PromptForm.conversational ? [{ role: 'assistant', content: code }] : code
}

/**
 * What counts as a boundary between a standard prompt and its completion: ASCII whitespace only
 * (a tokenizer may glue a no-break space to the next word; the Python check uses the same set).
 */
const BOUNDARY = ' \t\n\r\f\v'

/** Joins a standard prompt to its completion when the prompt does not already end in whitespace. */
export const PROMPT_BOUNDARY = '\n'

/**
 * The `prompt` column of a format TRL trains on (`dpo`, `kto`, `sft`). TRL concatenates a
 * standard row's prompt and completion as they are, so a prompt that does not end in whitespace
 * gets PROMPT_BOUNDARY: the code never continues the prompt's last word. Message lists need none.
 */
export function toTrainingPrompt(prompt: Prompt, form: PromptForm): string | ChatMessage[] {
  const column = toPromptColumn(prompt, form)
  if (typeof column !== 'string' || column === '' || BOUNDARY.includes(column.at(-1)!)) return column
  return column + PROMPT_BOUNDARY
}

/**
 * TRL's implicit-prompt form (`reward`): exactly the training prompt followed by the completion,
 * so a reward model reads the very text the `dpo` row's policy sees (`prompt + chosen`).
 * Conversational: the prompt's messages followed by one assistant message.
 */
export function toImplicit(prompt: Prompt, code: string, form: PromptForm): string | ChatMessage[] {
  const head = toTrainingPrompt(prompt, form)
  const tail = toCompletion(code, form)
  if (typeof head === 'string' && typeof tail === 'string') return head + tail
  return [...(head as ChatMessage[]), ...(tail as ChatMessage[])]
}

/**
 * A conversation as one text, for a string column: each message under a `### role` heading, so
 * nothing of a multi-turn prompt is lost. Markdown stays as it is.
 */
export function promptAsText(prompt: Prompt): string {
  if (typeof prompt === 'string') return prompt
  return prompt.map((m) => `### ${m.role}\n\n${m.content}`).join('\n\n')
}
