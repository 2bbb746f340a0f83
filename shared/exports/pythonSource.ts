/** Python source read as logical lines (statements), enough to find top-level definitions without a Python parser. */

/**
 * One logical line: a statement's first physical line through its last (brackets, strings and
 * backslashes continue a statement over several lines). `text` includes its final newline.
 */
export interface LogicalLine {
  /** Offset of the first character in the source. */
  start: number
  /** Offset just past the logical line's final newline (or the end of the source). */
  end: number
  text: string
  /** The first physical line's leading spaces and tabs. */
  indent: string
  /** Blank or comment only: carries no statement. */
  blank: boolean
}

/**
 * Splits source into logical lines as Python's tokenizer does: a newline ends a statement unless
 * it is inside brackets, inside a triple-quoted string, or after a backslash. Comments and string
 * contents never open or close brackets. Malformed source still splits (an unclosed bracket runs
 * to the end), so callers decide what they cannot use.
 */
export function logicalLines(source: string): LogicalLine[] {
  const out: LogicalLine[] = []
  let start = 0
  let depth = 0
  let quote: string | null = null // the open string's delimiter: ', ", ''' or """
  let i = 0
  const n = source.length
  const finish = (end: number) => {
    const text = source.slice(start, end)
    const indent = /^[ \t]*/.exec(text)![0]
    out.push({ start, end, text, indent, blank: /^[ \t\f]*(#.*)?(\r?\n)?$/.test(text) })
    start = end
    depth = 0
  }
  while (i < n) {
    const ch = source[i]
    if (quote !== null) {
      if (ch === '\\') i += 2
      else if (source.startsWith(quote, i)) {
        i += quote.length
        quote = null
      } else if (ch === '\n' && quote.length === 1) {
        quote = null // an unterminated one-line string ends at the newline, as in a SyntaxError
      } else i++
      continue
    }
    if (ch === '#') {
      while (i < n && source[i] !== '\n') i++
      continue
    }
    if (ch === '"' || ch === "'") {
      quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch
      i += quote.length
      continue
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1)
    else if (ch === '\\' && source[i + 1] === '\n') {
      i += 2
      continue
    } else if (ch === '\\' && source[i + 1] === '\r' && source[i + 2] === '\n') {
      i += 3
      continue
    } else if (ch === '\n' && depth === 0) {
      finish(i + 1)
    }
    i++
  }
  if (start < n) finish(n)
  return out
}

/**
 * The offset just past the `:` that ends a compound statement's header (`def f(x) -> int:`,
 * `class A(B):`) in a logical line's text, skipping brackets and strings; -1 if there is none.
 */
export function headerColon(text: string): number {
  let depth = 0
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote !== null) {
      if (ch === '\\') i++
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1
        quote = null
      }
      continue
    }
    if (ch === '#') return -1
    if (ch === '"' || ch === "'") {
      quote = text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch
      i += quote.length - 1
    } else if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
    else if (ch === ':' && depth === 0) return i + 1
  }
  return -1
}

/** The statement is an import (`import x`, `from x import y`). */
export function isImport(line: LogicalLine): boolean {
  return /^(import|from)\s/.test(line.text)
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g

/** Every identifier-shaped word in a text (strings and comments included: over-counting is the safe side). */
export function identifiers(text: string): Set<string> {
  return new Set(text.match(IDENT) ?? [])
}

/**
 * The offset of an assignment's `=` in a statement (not `==`, `<=`, `+=`, `:=`…), or -1. A loop
 * rather than a regular expression, so a long line costs linear time (this reads untrusted text).
 */
function assignmentAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '=') continue
    if (text[i + 1] === '=') {
      i++
      continue
    }
    if ('=!<>+-*/%&|^@:'.includes(text[i - 1] ?? '')) continue
    return i
  }
  return -1
}

/**
 * Names a top-level statement binds in the module: a definition's name, assignment targets,
 * loop and `with … as` targets, imports; inside a top-level `if`/`try`/`with`/`for`/`while`
 * block (which runs at module level) the same forms in its body too. It over-counts (every word
 * of a target, a `for` or `with` header): a name counted by mistake only keeps code in its place.
 */
export function boundNames(statement: LogicalLine, body: readonly LogicalLine[]): Set<string> {
  const names = new Set<string>()
  const scan = (text: string) => {
    const head = text.trimStart()
    let m: RegExpExecArray | null
    if ((m = /^(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)/.exec(head))) names.add(m[1])
    else if (/^(import|from)[ \t]/.test(head)) {
      const list = head.startsWith('from') ? head.slice(head.indexOf(' import ') + 8) : head.slice(7)
      for (const part of list.replace(/[()\\]/g, ' ').split(',')) {
        const words = part.trim().split(/\s+/)
        const name = words.length >= 3 && words[1] === 'as' ? words[2] : words[0]?.split('.')[0]
        if (name && /^[A-Za-z_]\w*$/.test(name)) names.add(name)
      }
    } else if (/^(for|with|async)[ \t]/.test(head)) {
      for (const w of identifiers(head.slice(0, head.indexOf(':') >= 0 ? head.indexOf(':') : head.length))) names.add(w)
    } else if (/^[A-Za-z_([*]/.test(head)) {
      const at = assignmentAt(head)
      if (at > 0) for (const w of identifiers(head.slice(0, at))) names.add(w)
    }
  }
  scan(statement.text)
  if (/^(if|elif|else|try|except|finally|with|for|while)\b/.test(statement.text)) for (const line of body) scan(line.text)
  return names
}
