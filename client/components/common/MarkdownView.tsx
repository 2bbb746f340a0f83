/** Markdown written by people (prompt, guidelines, explanation), rendered and sanitized. */
import type { Component } from 'solid-js'
import { renderMarkdown } from '../../markdown'

/**
 * The client's only `innerHTML`: its input always goes through `renderMarkdown`, which drops raw
 * HTML and sanitizes the result (never raw HTML; docs/security.md).
 */
export const MarkdownView: Component<{ text: string; class?: string }> = (props) => (
  <div class={`markdown ${props.class ?? ''}`} innerHTML={renderMarkdown(props.text)} />
)
