/**
 * Code blocks in rendered markdown, highlighted with the grammars the editors already load
 * so they read like code. Works on the DOM after sanitizing: tokens become spans whose text is set with
 * `textContent`, so no markup from the text can ever be interpreted.
 */
import { Language, LanguageSupport } from '@codemirror/language'
import { classHighlighter, highlightCode } from '@lezer/highlight'
import { loadLanguage } from './languages'

// Fence names people write, mapped to the names `loadLanguage` knows.
const ALIASES: Record<string, string> = { py: 'python', js: 'javascript', ts: 'typescript', sh: 'shell', bash: 'shell' }

function languageOf(code: Element, fallback: string | undefined): string | undefined {
  const named = [...code.classList].find((c) => c.startsWith('language-'))?.slice('language-'.length)
  const name = (named ?? fallback)?.toLowerCase()
  return name ? (ALIASES[name] ?? name) : undefined
}

/** Replaces `code`'s text with highlighted spans, if its language has a grammar. */
async function highlightBlock(code: HTMLElement, language: string): Promise<void> {
  const ext = await loadLanguage(language)
  const lang = ext instanceof LanguageSupport ? ext.language : ext instanceof Language ? ext : null
  if (!lang || !code.isConnected) return
  const text = code.textContent ?? ''
  const out = document.createDocumentFragment()
  highlightCode(
    text,
    lang.parser.parse(text),
    classHighlighter,
    (piece, classes) => {
      if (!classes) return void out.append(piece)
      const span = document.createElement('span')
      span.className = classes
      span.textContent = piece
      out.append(span)
    },
    () => out.append('\n'),
  )
  code.replaceChildren(out)
  code.classList.add('highlighted')
}

/**
 * Highlights every `pre > code` under `root`: fenced blocks by their fence's language, plain
 * blocks in `fallback` (the task's language). Failures leave the plain, readable text.
 */
export function highlightBlocks(root: HTMLElement, fallback?: string): void {
  for (const code of root.querySelectorAll<HTMLElement>('pre > code:not(.highlighted)')) {
    const language = languageOf(code, fallback)
    if (language) void highlightBlock(code, language).catch(() => {})
  }
}
