/** Language support for editors: markdown prose and each task language, loaded on demand. */
import { LanguageSupport, StreamLanguage } from '@codemirror/language'
import type { StreamParser } from '@codemirror/language'
import type { Extension } from '@codemirror/state'

/** The name `loadLanguage` knows prose by (the Explanation and the notes). */
export const PROSE_MARKDOWN = 'markdown'

const legacy = (parser: StreamParser<unknown>): Extension => StreamLanguage.define(parser)

// One dynamic import per language, so a Python task never downloads the PHP grammar
// (the workspace's initial JS stays within its budget, docs/performance.md).
const LOADERS: Record<string, () => Promise<Extension>> = {
  // GFM without `markdown()`, which bundles the HTML, CSS and JavaScript parsers (~400 kB).
  [PROSE_MARKDOWN]: () =>
    import('@codemirror/lang-markdown').then((m) => new LanguageSupport(m.markdownLanguage)),
  python: () => import('@codemirror/lang-python').then((m) => m.python()),
  javascript: () => import('@codemirror/lang-javascript').then((m) => m.javascript()),
  typescript: () =>
    import('@codemirror/lang-javascript').then((m) => m.javascript({ typescript: true })),
  java: () => import('@codemirror/lang-java').then((m) => m.java()),
  c: () => import('@codemirror/lang-cpp').then((m) => m.cpp()),
  cpp: () => import('@codemirror/lang-cpp').then((m) => m.cpp()),
  go: () => import('@codemirror/lang-go').then((m) => m.go()),
  rust: () => import('@codemirror/lang-rust').then((m) => m.rust()),
  sql: () => import('@codemirror/lang-sql').then((m) => m.sql()),
  php: () => import('@codemirror/lang-php').then((m) => m.php({ plain: true })),
  csharp: () => import('@codemirror/legacy-modes/mode/clike').then((m) => legacy(m.csharp)),
  kotlin: () => import('@codemirror/legacy-modes/mode/clike').then((m) => legacy(m.kotlin)),
  ruby: () => import('@codemirror/legacy-modes/mode/ruby').then((m) => legacy(m.ruby)),
  swift: () => import('@codemirror/legacy-modes/mode/swift').then((m) => legacy(m.swift)),
  shell: () => import('@codemirror/legacy-modes/mode/shell').then((m) => legacy(m.shell)),
}

const cache = new Map<string, Promise<Extension>>()

/**
 * The highlighter for a task language, loaded once and shared by every view. Resolves to an
 * empty extension for an unknown language or a failed download: plain text is still readable.
 */
export function loadLanguage(language: string): Promise<Extension> {
  const key = language.toLowerCase()
  let pending = cache.get(key)
  if (!pending) {
    const load = LOADERS[key]
    pending = load
      ? load().catch((err: unknown) => {
          console.warn(`codejury: highlighting for ${key} failed to load`, err)
          cache.delete(key)
          return []
        })
      : Promise.resolve([])
    cache.set(key, pending)
  }
  return pending
}
