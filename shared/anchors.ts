/** Comment anchors: where a thread points (a text range, candidate lines, or the whole task). */
import * as Y from 'yjs'
import { getWorkspace } from './schema'

/** A Yjs relative position as `Y.relativePositionToJSON` writes it. */
export interface RelativePositionJSON {
  type?: { client: number; clock: number } | null
  tname?: string | null
  item?: { client: number; clock: number } | null
  assoc?: number
}

/** Texts of the workspace a thread can anchor in: the three editors and per-candidate notes. */
export type AnchorField = 'explanation' | 'solution' | 'tests' | `notes:${string}`

/** A range of a workspace text; follows concurrent edits because it is made of relative positions. */
export interface TextAnchor {
  kind: 'text'
  field: AnchorField
  start: RelativePositionJSON
  end: RelativePositionJSON
}
/** 1-based, inclusive lines of a candidate's code, which never changes after import. */
export interface LinesAnchor {
  kind: 'lines'
  candidate: string
  from: number
  to: number
}
/** A thread about the task as a whole. */
export interface TaskAnchor {
  kind: 'task'
}
export type Anchor = TextAnchor | LinesAnchor | TaskAnchor

/**
 * A resolved anchor: character offsets of a text anchor in its field today, the line range of a
 * lines anchor, `{from: 0, to: 0}` for the task. Null means outdated (the text was deleted).
 */
export interface ResolvedAnchor {
  from: number
  to: number
}

const ID_SEGMENT_RE = /^[A-Za-z0-9_-]{1,64}$/
const PLAIN_FIELDS = ['explanation', 'solution', 'tests'] as const
const MAX_LINE = 1_000_000

/** Whether `field` names a workspace text a thread may anchor in (notes need a valid candidate id). */
export function isAnchorField(field: unknown): field is AnchorField {
  if (typeof field !== 'string') return false
  if ((PLAIN_FIELDS as readonly string[]).includes(field)) return true
  return field.startsWith('notes:') && ID_SEGMENT_RE.test(field.slice('notes:'.length))
}

/** The Y.Text behind `field` in a workspace doc, or null when it does not exist (yet). */
export function getFieldText(doc: Y.Doc, field: AnchorField): Y.Text | null {
  const ws = getWorkspace(doc)
  if (field === 'explanation' || field === 'solution' || field === 'tests') return ws[field]
  if (!field.startsWith('notes:')) return null
  const text: unknown = ws.notes.get(field.slice('notes:'.length))
  return text instanceof Y.Text ? text : null
}

/**
 * The field a workspace Y.Text is, found from the text itself: editors use it so no panel has to
 * be told which field it shows. Null for texts that are not anchorable.
 */
export function fieldOf(ytext: Y.Text): AnchorField | null {
  const doc = ytext.doc
  if (!doc) return null
  for (const name of PLAIN_FIELDS) if ((doc.share.get(name) as unknown) === ytext) return name
  const item = ytext._item
  const notes = getWorkspace(doc).notes
  if (item && item.parent === notes && typeof item.parentSub === 'string') {
    const field = `notes:${item.parentSub}`
    return isAnchorField(field) ? field : null
  }
  return null
}

/**
 * Anchors `[from, to)` of `ytext`. The start sticks to the character at `from` (assoc 0: text
 * typed just before the range stays outside) and the end to the character before `to` (assoc -1:
 * text typed just after stays outside). Throws a RangeError on an empty or out-of-bounds range.
 */
export function createTextAnchor(ytext: Y.Text, from: number, to: number): TextAnchor {
  const field = fieldOf(ytext)
  if (!field) throw new RangeError('this text cannot carry comments')
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > ytext.length || from >= to) {
    throw new RangeError(`bad range ${from}–${to} of a text of length ${ytext.length}`)
  }
  // Stored as item id + assoc only: the field says which text, so no root name is kept.
  const start = toPosition(Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, from, 0)))
  const end = toPosition(Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, to, -1)))
  if (!start || !end) throw new RangeError('this range has no stable position')
  return { kind: 'text', field, start, end }
}

/** Anchors lines `from`–`to` (1-based, inclusive) of a candidate's code of `lineCount` lines. */
export function createLinesAnchor(candidate: string, from: number, to: number, lineCount: number): LinesAnchor {
  if (!ID_SEGMENT_RE.test(candidate)) throw new RangeError('bad candidate id')
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from || to > lineCount) {
    throw new RangeError(`bad line range ${from}–${to} of ${lineCount} lines`)
  }
  return { kind: 'lines', candidate, from, to }
}

/**
 * Resolves an anchor against the workspace doc as it is now. Null when a text anchor is outdated
 * (its range was deleted, its field is gone, or its positions come from another document) or when
 * `anchor` is not an anchor at all: this never throws, whatever a client wrote.
 */
export function resolveAnchor(doc: Y.Doc, anchor: unknown): ResolvedAnchor | null {
  const a = toAnchor(anchor)
  if (!a) return null
  if (a.kind === 'task') return { from: 0, to: 0 }
  if (a.kind === 'lines') return { from: a.from, to: a.to }
  try {
    const text = getFieldText(doc, a.field)
    if (!text) return null
    const start = absoluteIn(doc, text, a.start)
    const end = absoluteIn(doc, text, a.end)
    if (start === null || end === null || start >= end) return null
    return { from: start, to: end }
  } catch {
    return null
  }
}

function absoluteIn(doc: Y.Doc, text: Y.Text, json: RelativePositionJSON): number | null {
  const rpos = Y.createRelativePositionFromJSON(json)
  const abs = Y.createAbsolutePositionFromRelativePosition(rpos, doc)
  // A position whose item exists but in another type (ids reused across docs) is not ours.
  if (!abs || abs.type !== text) return null
  return abs.index
}

function isId(v: unknown): v is { client: number; clock: number } {
  if (!v || typeof v !== 'object') return false
  const { client, clock } = v as Record<string, unknown>
  return Number.isSafeInteger(client) && Number.isSafeInteger(clock) && (client as number) >= 0 && (clock as number) >= 0
}

function toPosition(v: unknown): RelativePositionJSON | null {
  if (!v || typeof v !== 'object') return null
  const p = v as Record<string, unknown>
  // Anchors we make always point at a character: an item id, never a type start or a root name.
  if (!isId(p.item)) return null
  if (p.assoc !== undefined && p.assoc !== 0 && p.assoc !== -1) return null
  return { item: { client: p.item.client, clock: p.item.clock }, assoc: (p.assoc as number | undefined) ?? 0 }
}

/**
 * Reads an anchor written by anyone: a well-formed copy, or null. The only way readers should
 * look at the `anchor` of a thread, because the comments room is client-written.
 */
export function toAnchor(value: unknown): Anchor | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null
  const v = value as Record<string, unknown>
  if (v.kind === 'task') return { kind: 'task' }
  if (v.kind === 'lines') {
    const { candidate, from, to } = v
    if (typeof candidate !== 'string' || !ID_SEGMENT_RE.test(candidate)) return null
    if (!Number.isInteger(from) || !Number.isInteger(to)) return null
    if ((from as number) < 1 || (to as number) < (from as number) || (to as number) > MAX_LINE) return null
    return { kind: 'lines', candidate, from: from as number, to: to as number }
  }
  if (v.kind === 'text') {
    if (!isAnchorField(v.field)) return null
    const start = toPosition(v.start)
    const end = toPosition(v.end)
    if (!start || !end) return null
    return { kind: 'text', field: v.field, start, end }
  }
  return null
}

/** A short human label of where an anchor points, for the threads panel. */
export function anchorLabel(anchor: Anchor | null): string {
  if (!anchor) return 'Unknown place'
  if (anchor.kind === 'task') return 'Whole task'
  if (anchor.kind === 'lines') {
    const lines = anchor.from === anchor.to ? `line ${anchor.from}` : `lines ${anchor.from}–${anchor.to}`
    return `Candidate ${anchor.candidate}, ${lines}`
  }
  if (anchor.field === 'explanation') return 'Explanation'
  if (anchor.field === 'solution') return 'Reference solution'
  if (anchor.field === 'tests') return 'Tests'
  return `Notes on ${anchor.field.slice('notes:'.length)}`
}
