/**
 * `humaneval` items that openai/human-eval runs unchanged: its harness executes
 * `prompt + completion + "\n" + test + "\n" + "check(" + entry_point + ")"`, so the prompt is
 * Python source ending inside the entry point, the canonical solution completes it, and the test
 * defines `check(candidate)`.
 */
import type { Prompt } from '../types'
import { boundNames, headerColon, identifiers, isImport, logicalLines } from './pythonSource'
import type { LogicalLine } from './pythonSource'

/** Why a task gives no `humaneval` item; the counts report how many were left out for each. */
export const HumanevalSkip = {
  notPython: 'not_python',
  noEntryPoint: 'no_entry_point',
  entryPointNotDefined: 'entry_point_not_defined',
  noTests: 'no_tests',
} as const
export type HumanevalSkip = (typeof HumanevalSkip)[keyof typeof HumanevalSkip]
export const HUMANEVAL_SKIPS: readonly HumanevalSkip[] = Object.values(HumanevalSkip)

/** The four columns human-eval reads besides `task_id`. */
export interface HumanevalItem {
  prompt: string
  canonical_solution: string
  test: string
  entry_point: string
}

/** What a record needs for an item: its language, prompt, entry point, and the team's solution and tests. */
export interface HumanevalSource {
  language: string
  prompt: Prompt
  entry_point: string | null | undefined
  solution: string
  tests: string
}

// Names the generated test binds itself; an entry point with one of them cannot be called through it.
const RESERVED = new Set(['check', 'candidate', 'time_limit', 'team_check'])
const KEYWORDS = new Set(('False None True and as assert async await break class continue def del elif else except finally for ' +
  'from global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '))

/** The problem the docstring holds: a markdown prompt, or the last user turn of a conversation. */
export function problemText(prompt: Prompt): string {
  if (typeof prompt === 'string') return prompt
  for (let i = prompt.length - 1; i >= 0; i--) if (prompt[i].role === 'user') return prompt[i].content
  return prompt.at(-1)?.content ?? ''
}

/**
 * A docstring statement holding `text` (trailing whitespace trimmed), every line indented by
 * `indent` as docstrings are written (`inspect.cleandoc` gives the text back). Backslashes and
 * control characters are escaped, and no run of quotes can close the literal early.
 */
export function docstring(problem: string, indent: string): string {
  const text = problem.trimEnd()
  let body = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    const code = ch.charCodeAt(0)
    if (ch === '\\') body += '\\\\'
    else if (ch === '"' && (text[i + 1] === '"' || i === text.length - 1)) body += '\\"'
    else if (ch === '\n') body += text[i + 1] === '\n' || i === text.length - 1 ? '\n' : `\n${indent}`
    else if ((code < 0x20 && ch !== '\t') || code === 0x7f) body += `\\x${code.toString(16).padStart(2, '0')}`
    else body += ch
  }
  return `${indent}"""\n${indent}${body}\n${indent}"""\n`
}

/** The top-level statements of a source, each with the indented lines that belong to it. */
function statements(lines: LogicalLine[]): { head: LogicalLine; body: LogicalLine[] }[] {
  const out: { head: LogicalLine; body: LogicalLine[] }[] = []
  for (const line of lines) {
    if (!line.blank && line.indent === '') out.push({ head: line, body: [] })
    else if (out.length > 0) out.at(-1)!.body.push(line)
    else out.push({ head: line, body: [] })
  }
  return out
}

const textOf = (lines: readonly LogicalLine[]) => lines.map((l) => l.text).join('')

/**
 * Splits the team's solution at the entry point's definition: the prompt gets the imports, the
 * decorators and the signature, then a docstring; the canonical solution is the body and every
 * statement after it, then the other statements that came before the definition (helpers,
 * constants). When the signature or a decorator uses a name one of those statements binds, they
 * stay before it in the prompt instead, so the program always runs in the team's order.
 */
function splitSolution(solution: string, entry: string, problem: string): { prompt: string; canonical: string } | null {
  const source = solution.endsWith('\n') ? solution : `${solution}\n`
  const stmts = statements(logicalLines(source))
  const def = new RegExp(`^(?:async[ \\t]+def|def|class)[ \\t]+${entry}\\b`)
  const at = stmts.findIndex((s) => def.test(s.head.text))
  if (at < 0) return null
  let first = at
  while (first > 0 && stmts[first - 1].head.text.startsWith('@')) first--
  const header = stmts[at].head
  const colon = headerColon(header.text)
  if (colon < 0) return null
  const decorators = stmts.slice(first, at).map((s) => s.head.text + textOf(s.body)).join('')
  const signature = header.text.slice(0, colon)
  const inline = header.text.slice(colon).replace(/^[ \t]*(#.*)?\r?\n?/, '')
  const body = inline.trim() !== '' ? `    ${inline.replace(/^[ \t]+/, '')}${inline.endsWith('\n') ? '' : '\n'}` : ''
  const rest = body + textOf(stmts[at].body) + stmts.slice(at + 1).map((s) => s.head.text + textOf(s.body)).join('')
  const indent = /^\s*$/.test(body) ? (stmts[at].body.find((l) => !l.blank)?.indent ?? '') : '    '
  if (indent === '') return null // a definition with no body is not Python
  const before = stmts.slice(0, first)
  const imports = before.filter((s) => isImport(s.head))
  const others = before.filter((s) => !isImport(s.head))
  const bound = new Set<string>()
  for (const s of others) for (const name of boundNames(s.head, s.body)) bound.add(name)
  const used = identifiers(decorators + signature)
  used.delete(entry)
  const keepBefore = [...used].some((w) => bound.has(w) && !KEYWORDS.has(w))
  const lead = (keepBefore ? before : imports).map((s) => s.head.text + textOf(s.body)).join('')
  const moved = keepBefore ? '' : others.map((s) => s.head.text + textOf(s.body)).join('')
  const prompt = `${lead}${lead && !lead.endsWith('\n\n') ? '\n' : ''}${decorators}${signature}\n${docstring(problem, indent)}`
  const canonical = moved ? `${rest}${rest.endsWith('\n\n') ? '' : '\n'}\n${moved}` : rest
  return { prompt, canonical }
}

/** Top-level function names of the tests that match a pattern, first definition first, each once. */
function topLevelDefs(tests: string, pattern: RegExp): string[] {
  const names = new Set<string>()
  for (const line of logicalLines(tests)) {
    const m = line.indent === '' ? pattern.exec(line.text) : null
    if (m) names.add(m[1])
  }
  return [...names]
}

/** The stand-in for the test format's `@time_limit(ms)`: it marks the case, and `check` fails a case that ran longer. */
const TIME_LIMIT_STAND_IN = `def time_limit(ms):
    """The test format's @time_limit(ms): check() fails a case that runs longer than ms milliseconds."""
    def mark(case):
        case.time_limit_ms = ms
        return case
    return mark


`

/**
 * The `test` column: the team's tests as they are when they are already HumanEval's module-level
 * `check(candidate)`; otherwise (or as well) a `check(candidate)` that makes the entry point's name
 * call `candidate` and runs every top-level `test_*` function in order, failing a case over its
 * `@time_limit`. Null when the tests hold neither form.
 */
function buildTest(tests: string, entry: string): string | null {
  const cases = topLevelDefs(tests, /^(?:async[ \t]+)?def[ \t]+(test_\w*)[ \t]*\(/)
  const hasCheck = topLevelDefs(tests, /^def[ \t]+(check)[ \t]*\(/).length > 0
  if (cases.length === 0) return hasCheck ? tests : null
  const team = tests.endsWith('\n') ? tests : `${tests}\n`
  const standIn = /\btime_limit\b/.test(tests) ? TIME_LIMIT_STAND_IN : ''
  const lines = [
    ...(hasCheck ? ['', '', 'team_check = check'] : []),
    '',
    '',
    'def check(candidate):',
    `    """Runs the team's test_* functions against candidate, which they call as ${entry}."""`,
    '    import asyncio, inspect, time',
    '',
    `    global ${entry}`,
    `    ${entry} = candidate`,
    `    for case in (${cases.join(', ')}${cases.length === 1 ? ',' : ''}):`,
    '        started = time.perf_counter()',
    '        outcome = case()',
    '        if inspect.isawaitable(outcome):',
    '            asyncio.run(outcome)',
    "        limit = getattr(case, 'time_limit_ms', None)",
    '        if limit is not None:',
    '            took = (time.perf_counter() - started) * 1000',
    "            assert took <= limit, f'{case.__name__} exceeded its {limit:g} ms limit ({took:.0f} ms)'",
    ...(hasCheck ? ['    team_check(candidate)'] : []),
    '',
  ]
  return standIn + team + lines.join('\n')
}

/**
 * The item a record gives, or why it gives none. Python only; the entry point must be a Python
 * name defined at the top level of the team's solution (a function or a class).
 */
export function humanevalItem(src: HumanevalSource): { item: HumanevalItem } | { skip: HumanevalSkip } {
  if (src.language !== 'python') return { skip: HumanevalSkip.notPython }
  const entry = (src.entry_point ?? '').trim()
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry) || KEYWORDS.has(entry) || RESERVED.has(entry)) return { skip: HumanevalSkip.noEntryPoint }
  const split = splitSolution(src.solution ?? '', entry, problemText(src.prompt))
  if (!split) return { skip: HumanevalSkip.entryPointNotDefined }
  const test = buildTest(src.tests ?? '', entry)
  if (test === null) return { skip: HumanevalSkip.noTests }
  return { item: { prompt: split.prompt, canonical_solution: split.canonical, test, entry_point: entry } }
}
