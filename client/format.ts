/** Small text formatters shared by pages; they return plain strings, rendered as text. */

import { taskTitle as deriveTitle } from '../shared/title'
import type { Prompt } from '../shared/types'

/** The workspace header's title is shorter than the queue's. */
const MAX_TITLE_CHARS = 90

/**
 * A one-line title from a prompt (shared/title.ts: the heading or first sentence, identifiers
 * whole), or `fallback` when the prompt holds no text.
 */
export function taskTitle(prompt: Prompt, fallback: string): string {
  return deriveTitle(prompt, fallback, MAX_TITLE_CHARS)
}

/** A timestamp as the reader's local date and time, or the raw text when it does not parse. */
export function formatTime(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}

/**
 * Active time for people who are paid by it: whole seconds under a minute, then minutes (and
 * hours), never rounded up, so "1 min" means at least a full minute was worked.
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}
