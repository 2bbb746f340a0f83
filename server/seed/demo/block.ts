/** The `md`/`code` template tags the demo content is written with. */

/**
 * Template tag for code and markdown blocks written indented inside this file: drops the first
 * newline and the common indentation. It reads the raw text, so `\n` inside candidate code stays
 * an escape for the candidate's own language; only `\`` and `\$` are unescaped.
 */
export function block(strings: TemplateStringsArray): string {
  const text = strings.raw
    .join('')
    .replace(/\\([`$])/g, '$1')
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '')
  const lines = text.split('\n')
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  )
  return lines.map((l) => l.slice(indent)).join('\n') + '\n'
}

export const md = block
export const code = block

