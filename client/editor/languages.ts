/** Language support for workspace editors; kept lean, as all of it lands in the workspace chunk. */
import { LanguageSupport } from '@codemirror/language'
import { markdownLanguage } from '@codemirror/lang-markdown'
import type { Extension } from '@codemirror/state'

/**
 * Markdown (GFM) highlighting for prose such as the explanation. `markdown()` is avoided on
 * purpose: it bundles the HTML, CSS and JavaScript parsers for embedded HTML, about 400 kB.
 */
export function proseMarkdown(): Extension {
  return new LanguageSupport(markdownLanguage)
}
