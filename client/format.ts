/** Small text formatters shared by pages; they return plain strings, rendered as text. */

const MAX_TITLE_CHARS = 90

/** A one-line title from a markdown prompt: its first non-empty line without heading marks. */
export function taskTitle(prompt: string, fallback: string): string {
  const line = prompt
    .split('\n')
    .map((l) => l.replace(/^#+\s*/, '').trim())
    .find((l) => l.length > 0)
  if (!line) return fallback
  return line.length > MAX_TITLE_CHARS ? `${line.slice(0, MAX_TITLE_CHARS - 1)}…` : line
}

/** A timestamp as the reader's local date and time, or the raw text when it does not parse. */
export function formatTime(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}
