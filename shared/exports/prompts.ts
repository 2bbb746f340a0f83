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

/** Separates prompt and completion in TRL's standard implicit-prompt form (`reward`). */
export const IMPLICIT_SEPARATOR = '\n\n'

/**
 * TRL's implicit-prompt form: the prompt inside the completion column. Standard: the prompt text,
 * a blank line, the code. Conversational: the prompt's messages followed by one assistant message.
 */
export function toImplicit(prompt: Prompt, code: string, form: PromptForm): string | ChatMessage[] {
  if (form === PromptForm.conversational) return [...toMessages(prompt), { role: 'assistant', content: code }]
  return `${toPromptColumn(prompt, form)}${IMPLICIT_SEPARATOR}${code}`
}

/**
 * A conversation as one text, for string-only columns (`humaneval`'s prompt): each message under
 * a `### role` heading, so nothing of a multi-turn prompt is lost. Markdown stays as it is.
 */
export function promptAsText(prompt: Prompt): string {
  if (typeof prompt === 'string') return prompt
  return prompt.map((m) => `### ${m.role}\n\n${m.content}`).join('\n\n')
}
