/**
 * The write rules of a comments room (`task:<id>:comments`): comments belong to their authors.
 *
 * - Anyone who may write the room starts threads and replies (a reviewer included): new thread
 *   and comment maps are theirs (threads.ts sets a new map's `author` to its writer).
 * - Only a comment's author edits its body; nobody rewrites a comment's or thread's other fields.
 * - A thread's author, the lead or an assignee resolves or reopens it.
 * - A thread's author or the lead deletes it (a tombstone goes to the audit log first); a
 *   comment's author or the lead deletes a comment.
 * - A new thread or comment says when it was written (`created_at`, ISO 8601) within
 *   MAX_CREATED_AT_SKEW_MS of the server's clock; nobody changes it, or an author, afterwards.
 * - A thread holds at most MAX_THREAD_COMMENTS comments.
 * - A body holds at most MAX_COMMENT_CHARS characters; a person holds at most
 *   MAX_UNRESOLVED_THREADS unresolved threads per task and starts threads and posts comments at
 *   bounded rates.
 * - Nothing but threads sits in the room: other roots, nested types elsewhere, unknown keys are
 *   refused.
 *
 * An update is judged whole: one forbidden change refuses all of it.
 */
import * as Y from 'yjs'
import { CommentKey, MAX_COMMENT_CHARS, MAX_CREATED_AT_SKEW_MS, MAX_QUOTE_CHARS, MAX_THREAD_COMMENTS, MAX_UNRESOLVED_THREADS, THREAD_FULL, ThreadKey } from '../../shared/comments'
import { COMMENTS_ROOT } from '../../shared/schema'
import { REFUSED_PREFIX } from '../../shared/refusals'
import { itemKey } from './updateView'
import type { UpdateView } from './updateView'
import type { Writer, WriteRules } from './writeRules'

/** A deleted thread as the audit log keeps it. */
export interface ThreadTombstone {
  id: string
  author: string
  created_at: string
  resolved: boolean
  quote: string
  comments: number
}

/** What the comments rules need to know from outside the room. */
export interface CommentRulesDeps {
  /** Whether `userId` is assigned to the room's task now. */
  isAssignee(userId: string): boolean
  /**
   * Takes `count` thread starts from `userId`'s allowance; false (taking nothing) when it would
   * go over the rate.
   */
  takeThreadStarts(userId: string, count: number): boolean
  /** Takes `count` new comments (first comments and replies) likewise; false when over the rate. */
  takeComments(userId: string, count: number): boolean
  /** Records deleted threads durably before the delete is applied; throws when it cannot. */
  onThreadsDeleted(threads: ThreadTombstone[], by: Writer): void
  /** The server's clock, in ms since the epoch; Date.now when absent. */
  now?: () => number
}

const THREAD_KEYS: ReadonlySet<string> = new Set(Object.values(ThreadKey))
const COMMENT_KEYS: ReadonlySet<string> = new Set(Object.values(CommentKey))
/** Longest anchor, as JSON: two relative positions and a field name need a few hundred. */
const MAX_ANCHOR_JSON_CHARS = 2_000
/** Longest id or timestamp a client may write. */
const MAX_SHORT_CHARS = 100

const no = (why: string) => REFUSED_PREFIX + why

/** The type an item holds, or null. */
function typeOf(item: Y.Item): Y.AbstractType<unknown> | null {
  return item.content instanceof Y.ContentType ? item.content.type : null
}

/** The one value of a map entry's item (maps hold one value per item), or undefined. */
function valueOf(item: Y.Item): unknown {
  const c = item.content
  if (c instanceof Y.ContentAny) return c.arr[0]
  if (c instanceof Y.ContentString) return c.str
  if (c instanceof Y.ContentType) return c.type
  return undefined
}

/** A field of a held map, read through its live state. */
function heldField(item: Y.Item, key: string): unknown {
  const type = typeOf(item)
  return type instanceof Y.Map ? type.get(key) : undefined
}

/** ISO 8601 as Date.prototype.toISOString writes it (UTC, milliseconds optional). */
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/

/** Why `value` is refused as a new thread's or comment's `created_at` at server time `now`, or null. */
export function badCreatedAt(value: unknown, now: number): string | null {
  const at = typeof value === 'string' && ISO_RE.test(value) ? Date.parse(value) : NaN
  if (!Number.isFinite(at)) return 'created_at must be a time like 2026-01-31T12:00:00.000Z'
  if (Math.abs(at - now) > MAX_CREATED_AT_SKEW_MS) {
    return `created_at must be within ${MAX_CREATED_AT_SKEW_MS / 60_000} minutes of the server's clock (${new Date(now).toISOString()}): check your computer's clock`
  }
  return null
}

/** Why a value written to `key` of a new thread or comment is refused, or null. */
function badValue(kind: 'thread' | 'comment', key: string, item: Y.Item): string | null {
  if (item.content instanceof Y.ContentDeleted) return null
  const value = valueOf(item)
  const string = (max: number) => (typeof value === 'string' && value.length <= max ? null : `${kind} ${key} must be text of at most ${max} characters`)
  switch (key) {
    case CommentKey.body:
      if (typeof value === 'string' && value.length > MAX_COMMENT_CHARS) {
        return `a comment is at most ${MAX_COMMENT_CHARS.toLocaleString('en-US')} characters (this one has ${value.length.toLocaleString('en-US')})`
      }
      return string(MAX_COMMENT_CHARS)
    case ThreadKey.id:
    case ThreadKey.author:
    case ThreadKey.createdAt:
      return string(MAX_SHORT_CHARS)
    case ThreadKey.quote:
      return string(MAX_QUOTE_CHARS)
    case ThreadKey.resolved:
      return typeof value === 'boolean' ? null : 'resolved must be true or false'
    case ThreadKey.anchor:
      return item.content instanceof Y.ContentAny && JSON.stringify(value ?? null).length <= MAX_ANCHOR_JSON_CHARS ? null : 'a thread anchor is a small JSON value'
    case ThreadKey.comments:
      return value instanceof Y.Array ? null : "a thread's comments are a list"
    default:
      return `${kind}s have no field ${key}`
  }
}

/** The rules of one task's comments room. */
export function commentRules(deps: CommentRulesDeps): WriteRules {
  const isLead = (w: Writer) => w.role === 'lead'
  const mayResolve = (w: Writer, thread: Y.Item) => isLead(w) || heldField(thread, ThreadKey.author) === w.id || deps.isAssignee(w.id)
  const mayDeleteThread = (w: Writer, thread: Y.Item) => isLead(w) || heldField(thread, ThreadKey.author) === w.id
  const isCommentAuthor = (w: Writer, comment: Y.Item) => heldField(comment, CommentKey.author) === w.id

  return {
    check(view: UpdateView, writer: Writer): string | null {
      const now = deps.now?.() ?? Date.now()
      /** New thread and comment maps, and whether each was given a created_at. */
      const dated = new Map<Y.Item, boolean>()
      /** New comments per thread (the thread's item). */
      const newComments = new Map<Y.Item, number>()
      /** Checks a new map's created_at value and marks the map as dated. */
      const stampOf = (map: Y.Item, value: Y.Item) => {
        if (value.content instanceof Y.ContentDeleted) return null // overwritten in the same update
        const bad = badCreatedAt(valueOf(value), now)
        if (!bad) dated.set(map, true)
        return bad
      }
      let started = 0
      let reopened = 0
      let posted = 0
      for (const item of view.added) {
        const path = view.pathOf(item)
        if (path === null) continue // under nothing live: Yjs integrates it as deleted
        if (path.root !== COMMENTS_ROOT) return no(`the comments room holds only ${COMMENTS_ROOT}`)
        const [thread, field, comment, commentField, ...deeper] = path.steps
        if (thread.key !== null) return no('threads are a list')
        const threadNew = !view.isHeld(thread.item)
        if (!field) {
          if (!(typeOf(item) instanceof Y.Map) && !(item.content instanceof Y.ContentDeleted)) return no('a thread is a map')
          if (typeOf(item)) {
            started++
            if (!dated.has(item)) dated.set(item, false)
          }
          continue
        }
        if (field.key === null || !THREAD_KEYS.has(field.key)) return no(`threads have no field ${field.key ?? '(list item)'}`)
        if (!comment) {
          if (threadNew) {
            const bad = badValue('thread', field.key, item) ?? (field.key === ThreadKey.createdAt ? stampOf(thread.item, item) : null)
            if (bad) return no(bad)
            continue
          }
          if (field.key !== ThreadKey.resolved) return no(`a thread's ${field.key} cannot change`)
          const bad = badValue('thread', field.key, item)
          if (bad) return no(bad)
          if (!mayResolve(writer, thread.item)) return no('only the thread’s author, the lead or an assignee resolves or reopens it')
          // Reopening one's own resolved thread adds to one's unresolved threads, like starting one.
          const reopens = valueOf(item) === false && heldField(thread.item, ThreadKey.resolved) === true
          if (reopens && heldField(thread.item, ThreadKey.author) === writer.id) reopened++
          continue
        }
        if (field.key !== ThreadKey.comments || comment.key !== null) return no(`a thread's ${field.key} holds no items`)
        if (!commentField) {
          if (!(typeOf(item) instanceof Y.Map) && !(item.content instanceof Y.ContentDeleted)) return no('a comment is a map')
          if (typeOf(item)) {
            posted++
            newComments.set(thread.item, (newComments.get(thread.item) ?? 0) + 1)
            if (!dated.has(item)) dated.set(item, false)
          }
          continue
        }
        if (deeper.length > 0 || commentField.key === null || !COMMENT_KEYS.has(commentField.key)) {
          return no(`comments have no field ${commentField.key ?? '(list item)'}`)
        }
        const commentNew = !view.isHeld(comment.item)
        const bad = badValue('comment', commentField.key, item) ?? (commentNew && commentField.key === CommentKey.createdAt ? stampOf(comment.item, item) : null)
        if (bad) return no(bad)
        if (commentNew) continue // a new comment: its writer's own
        if (commentField.key !== CommentKey.body) return no(`a comment's ${commentField.key} cannot change`)
        if (!isCommentAuthor(writer, comment.item)) return no('only its author edits a comment')
      }

      for (const [, hasTime] of dated) if (!hasTime) return no('a new thread or comment says when it was written (created_at)')
      for (const [thread, count] of newComments) {
        const held = view.isHeld(thread) ? heldField(thread, ThreadKey.comments) : undefined
        const total = (held instanceof Y.Array ? held.length : 0) + count
        if (total > MAX_THREAD_COMMENTS) {
          return no(THREAD_FULL)
        }
      }

      const deleted = new Set(view.deleted.map(itemKey))
      const tombstones: ThreadTombstone[] = []
      for (const item of view.deleted) {
        const path = view.pathOf(item)
        if (path === null || path.root !== COMMENTS_ROOT) continue
        // Deleting a map deletes everything in it: only the outermost deleted item is judged.
        if (path.steps.slice(0, -1).some((s) => deleted.has(itemKey(s.item)))) continue
        const [thread, field, comment, commentField] = path.steps
        if (!field) {
          if (!typeOf(item)) continue
          if (!mayDeleteThread(writer, item)) return no('only the thread’s author or the lead deletes a thread')
          tombstones.push(tombstoneOf(item))
          continue
        }
        if (!comment) {
          if (field.key === ThreadKey.resolved && mayResolve(writer, thread.item)) continue
          return no(field.key === ThreadKey.resolved ? 'only the thread’s author, the lead or an assignee resolves or reopens it' : `a thread's ${field.key} cannot change`)
        }
        if (!commentField) {
          if (isLead(writer) || isCommentAuthor(writer, item)) continue
          return no('only its author or the lead deletes a comment')
        }
        if (commentField.key === CommentKey.body && isCommentAuthor(writer, comment.item)) continue
        return no(commentField.key === CommentKey.body ? 'only its author edits a comment' : `a comment's ${commentField.key} cannot change`)
      }

      if (started > 0 || reopened > 0) {
        const open = unresolvedBy(view.doc, writer.id)
        if (open + started + reopened > MAX_UNRESOLVED_THREADS) {
          const verb = started > 0 ? 'starting' : 'reopening'
          return no(`you have ${open} unresolved threads on this task, and ${MAX_UNRESOLVED_THREADS} is the most: resolve some before ${verb} another`)
        }
        if (started > 0 && !deps.takeThreadStarts(writer.id, started)) return no('you are starting threads too fast: wait a minute and try again')
      }
      if (posted > 0 && !deps.takeComments(writer.id, posted)) {
        return no('you are posting comments too fast: wait a minute and try again')
      }
      if (tombstones.length > 0) {
        try {
          deps.onThreadsDeleted(tombstones, writer)
        } catch {
          return no('the deletion could not be recorded, so nothing was deleted: try again later')
        }
      }
      return null
    },
  }
}

/** How many live threads in `doc` were started by `userId` and are not resolved. */
function unresolvedBy(doc: Y.Doc, userId: string): number {
  let n = 0
  for (const t of doc.getArray<unknown>(COMMENTS_ROOT).toArray()) {
    if (t instanceof Y.Map && t.get(ThreadKey.author) === userId && t.get(ThreadKey.resolved) !== true) n++
  }
  return n
}

function tombstoneOf(item: Y.Item): ThreadTombstone {
  const str = (k: string) => {
    const v = heldField(item, k)
    return typeof v === 'string' ? v : ''
  }
  const comments = heldField(item, ThreadKey.comments)
  return {
    id: str(ThreadKey.id),
    author: str(ThreadKey.author),
    created_at: str(ThreadKey.createdAt),
    resolved: heldField(item, ThreadKey.resolved) === true,
    quote: str(ThreadKey.quote),
    comments: comments instanceof Y.Array ? comments.length : 0,
  }
}
