/**
 * A task's title, derived from its prompt: the heading, or the first sentence of the first
 * paragraph, as plain text. Identifiers stay whole (`merge_intervals`, not `mergeintervals`),
 * and a title ends at a sentence (or, when one sentence is too long, at a clause or a word with
 * "…"), never mid-phrase at a fixed character count.
 */
import { promptText } from './types'
import type { Prompt } from './types'

/** The longest title, in characters (the queue's column and the tab's title). */
export const MAX_TITLE_CHARS = 120

/** Words whose trailing period is not a sentence end. */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'cf', 'approx', 'incl', 'resp', 'no', 'fig', 'eq'])

/**
 * The title of `prompt` (markdown or a conversation's last user message), at most `max`
 * characters; `fallback` when the prompt holds no text.
 */
export function taskTitle(prompt: Prompt, fallback = '', max = MAX_TITLE_CHARS): string {
  const paragraph = firstParagraph(promptText(prompt))
  if (!paragraph) return fallback
  const marked = plainInline(paragraph.slice(0, MAX_SCAN_CHARS))
  if (!marked) return fallback
  // eslint-disable-next-line no-control-regex -- OPEN and CLOSE (below) are control characters on purpose: no title text can contain them
  return shorten(firstSentence(marked), max).replace(/[\u0000\u0001]/g, '')
}

/** How much of the first paragraph is read: a title never needs more. */
const MAX_SCAN_CHARS = 2000
/** Code spans keep these around their text until the end, so no cut falls inside one. */
const OPEN = '\u0000'
const CLOSE = '\u0001'

/** True when `index` of marked text lies inside a code span. */
function inCode(text: string, index: number): boolean {
  let depth = 0
  for (let i = 0; i < index; i++) {
    if (text[i] === OPEN) depth++
    else if (text[i] === CLOSE) depth--
  }
  return depth > 0
}

/**
 * The first paragraph that holds prose: a heading on its own, or consecutive lines joined (a
 * sentence may wrap). Code fences are skipped; a prompt that is Python source gives its
 * docstring when it has one.
 */
function firstParagraph(text: string): string {
  const docstring = /^\s*(?:from |import |def |class |async def |@)/.test(text) ? /("""|''')([\s\S]*?)\1/.exec(text) : null
  const source = docstring ? docstring[2] : text
  const lines = source.split(/\r?\n/)
  const taken: string[] = []
  let fence = false
  for (const raw of lines) {
    const line = raw.trim()
    if (/^(```|~~~)/.test(line)) {
      fence = !fence
      if (taken.length) break
      continue
    }
    if (fence) continue
    if (!line) {
      if (taken.length) break
      continue
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*$/.exec(line)
    if (heading) {
      if (taken.length) break
      if (heading[1]) return heading[1]
      continue
    }
    // List markers, quote markers and table pipes open a line but are not part of the text.
    taken.push(line.replace(/^(?:>\s*)+/, '').replace(/^(?:[-*+]|\d+[.)])\s+/, ''))
  }
  return taken.join(' ').trim()
}

/**
 * Markdown inline syntax removed, text kept: code spans lose their backticks (their content is
 * kept as written, underscores included, and marked so no cut falls inside), links keep their
 * text, and emphasis markers go only where they are markers: `*x*` and `**x**`, and underscores
 * only around several words (`_private_` and `__init__` are identifiers, kept as written).
 */
function plainInline(text: string): string {
  // eslint-disable-next-line no-control-regex -- OPEN and CLOSE (below) are control characters on purpose: no title text can contain them
  const parts = text.replace(/[\u0000\u0001]/g, '').split(/(`+[^`]*`+)/)
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return OPEN + part.replace(/^`+\s?|\s?`+$/g, '') + CLOSE
      return part
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
        .replace(/<[^>]+>/g, '')
        .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '$1')
        .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, '$1$2')
        .replace(/(^|[^\w])(__?)(?=\S)([^_]*?\s[^_]*?\S)\2(?!\w)/g, '$1$3')
        .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1')
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The text up to its first sentence end (`.`, `?`, `!` before a space or the end; not "e.g."). */
function firstSentence(text: string): string {
  const re = /[.?!]+(?=\s|$)/g
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (inCode(text, m.index)) continue
    const before = text.slice(0, m.index)
    const word = /(\S+)$/.exec(before)?.[1] ?? ''
    if (m[0] === '.' && (ABBREVIATIONS.has(word.toLowerCase()) || /^[A-Z]$/.test(word))) continue
    // A period that closes a call such as `add(a, b).` still ends the sentence.
    return text.slice(0, m.index + (m[0].startsWith('.') ? 0 : m[0].length)).trim()
  }
  return text
}

/**
 * A sentence that fits, as it is; one that does not, cut at its last clause boundary (`,` `;`
 * `:` or a dash) in the second half of the room, else at its last whole word, with "…".
 */
function shorten(sentence: string, max: number): string {
  if (sentence.length <= max) return sentence
  // Counted without the code-span marks, which are removed at the end.
  let room = ''
  for (let i = 0, shown = 0; i < sentence.length && shown < max - 1; i++) {
    room += sentence[i]
    if (sentence[i] !== OPEN && sentence[i] !== CLOSE) shown++
  }
  const last = (sep: string) => {
    for (let i = room.lastIndexOf(sep); i > 0; i = room.lastIndexOf(sep, i - 1)) if (!inCode(room, i)) return i
    return -1
  }
  const clause = Math.max(...[', ', '; ', ': ', ' — ', ' – ', ' - '].map(last))
  const cut = clause >= max / 2 ? clause : last(' ')
  return `${(cut > 0 ? room.slice(0, cut) : room).replace(/[\s,;:—–-]+$/, '')}…`
}
