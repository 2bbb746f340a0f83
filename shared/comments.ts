/** Comment threads in `task:<id>:comments`: defensive readers, writers with origins, mentions. */
import * as Y from 'yjs'
import { uuidv4 } from 'lib0/random'
import { getThreads } from './schema'
import { toAnchor } from './anchors'
import type { Anchor } from './anchors'

/** Longest comment body, in characters; longer ones are refused when written. */
export const MAX_COMMENT_CHARS = 10_000
/** The most unresolved threads one person may hold on one task; the server refuses more. */
export const MAX_UNRESOLVED_THREADS = 200
/** The most threads one person may start on one task in a minute; the server refuses more. */
export const MAX_THREAD_STARTS_PER_MINUTE = 30
/** The most comments (first comments and replies) one person may post on one task in a minute. */
export const MAX_COMMENTS_PER_MINUTE = 120
/** The most comments (the first and its replies) one thread holds; the server refuses more. */
export const MAX_THREAD_COMMENTS = 500
/** Why a full thread takes no reply (the server's refusal says the same). */
export const THREAD_FULL = `a thread holds at most ${MAX_THREAD_COMMENTS} comments: start a new thread to go on`
/**
 * How far a new thread's or comment's `created_at` may be from the server's clock, either way:
 * the time is the writer's to say but not to invent (no backdating, no posting from the future).
 */
export const MAX_CREATED_AT_SKEW_MS = 2 * 60_000
/** Longest stored quote of the anchored text; longer selections are cut with an ellipsis. */
export const MAX_QUOTE_CHARS = 500

/** Keys of a thread's Y.Map and of a comment's Y.Map (docs/protocol.md#comment-threads). */
export const ThreadKey = {
  id: 'id',
  anchor: 'anchor',
  quote: 'quote',
  author: 'author',
  createdAt: 'created_at',
  resolved: 'resolved',
  comments: 'comments',
} as const
export const CommentKey = { id: 'id', author: 'author', body: 'body', createdAt: 'created_at' } as const

/** One comment as readers see it. */
export interface CommentView {
  id: string
  author: string
  body: string
  createdAt: string
}

/** One thread as readers see it; `anchor` is null when what a client wrote is not an anchor. */
export interface ThreadView {
  id: string
  anchor: Anchor | null
  quote: string
  author: string
  createdAt: string
  resolved: boolean
  comments: CommentView[]
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

function readComment(value: unknown): CommentView | null {
  if (!(value instanceof Y.Map)) return null
  const id = value.get(CommentKey.id)
  const body = value.get(CommentKey.body)
  if (typeof id !== 'string' || typeof body !== 'string') return null
  return { id, body, author: str(value.get(CommentKey.author)), createdAt: str(value.get(CommentKey.createdAt)) }
}

/**
 * Reads one thread map. The comments room is written by clients, so anything of the wrong type
 * is treated as absent: a thread without a string id is skipped, a non-boolean `resolved` means
 * unresolved, a non-array `comments` means none.
 */
export function readThread(value: unknown): ThreadView | null {
  if (!(value instanceof Y.Map)) return null
  const id = value.get(ThreadKey.id)
  if (typeof id !== 'string' || id === '') return null
  const list = value.get(ThreadKey.comments)
  const comments = list instanceof Y.Array ? list.toArray().map(readComment).filter((c) => c !== null) : []
  return {
    id,
    anchor: toAnchor(value.get(ThreadKey.anchor)),
    quote: str(value.get(ThreadKey.quote)),
    author: str(value.get(ThreadKey.author)),
    createdAt: str(value.get(ThreadKey.createdAt)),
    resolved: value.get(ThreadKey.resolved) === true,
    comments,
  }
}

/** Every readable thread of a comments doc, in creation order; duplicate ids keep the first. */
export function readThreads(doc: Y.Doc, read: (value: unknown) => ThreadView | null = readThread): ThreadView[] {
  const seen = new Set<string>()
  const out: ThreadView[] = []
  for (const item of getThreads(doc).toArray()) {
    const t = read(item)
    if (!t || seen.has(t.id)) continue
    seen.add(t.id)
    out.push(t)
  }
  return out
}

/**
 * Reads a comments doc's threads again after each change, re-reading only the threads a
 * transaction touched: a reply in a room of 5,000 threads reads one thread, not 5,000, and every
 * other thread keeps its ThreadView object (so a keyed list re-renders nothing else).
 */
export function threadReader(doc: Y.Doc): { read(): ThreadView[]; destroy(): void } {
  const root = getThreads(doc)
  const views = new WeakMap<object, ThreadView | null>()
  const onTransaction = (tr: Y.Transaction) => {
    for (const changed of tr.changed.keys()) {
      // Up from the changed type to the thread map that holds it (one right under the root).
      let type: Y.AbstractType<unknown> | null = changed as Y.AbstractType<unknown>
      for (let depth = 0; type && type !== root && depth < 100; depth++) {
        const parent: unknown = type._item?.parent
        if (parent === root) views.delete(type)
        type = parent instanceof Y.AbstractType ? parent : null
      }
    }
  }
  doc.on('afterTransaction', onTransaction)
  const cached = (value: unknown): ThreadView | null => {
    if (!(value instanceof Y.Map)) return null
    let view = views.get(value)
    if (view === undefined) views.set(value, (view = readThread(value)))
    return view
  }
  return {
    read: () => readThreads(doc, cached),
    destroy: () => doc.off('afterTransaction', onTransaction),
  }
}

/** The Y.Map of thread `id`, for writers; null when there is none. */
export function findThreadMap(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  for (const item of getThreads(doc).toArray()) {
    if (item instanceof Y.Map && item.get(ThreadKey.id) === id) return item
  }
  return null
}

function checkBody(body: string): string {
  const trimmed = body.trim()
  if (trimmed === '') throw new RangeError('a comment needs some text')
  if (trimmed.length > MAX_COMMENT_CHARS) {
    throw new RangeError(`a comment is at most ${MAX_COMMENT_CHARS} characters`)
  }
  return trimmed
}

function commentMap(author: string, body: string, now: string): Y.Map<unknown> {
  const map = new Y.Map<unknown>()
  map.set(CommentKey.id, uuidv4())
  map.set(CommentKey.author, author)
  map.set(CommentKey.body, body)
  map.set(CommentKey.createdAt, now)
  return map
}

/** Cuts a quote to `MAX_QUOTE_CHARS` so a thread on a huge selection stays small. */
export function toQuote(text: string): string {
  return text.length > MAX_QUOTE_CHARS ? `${text.slice(0, MAX_QUOTE_CHARS - 1)}…` : text
}

/** What it takes to start a thread: where, what it quoted, who, and the first comment. */
export interface NewThread {
  anchor: Anchor
  quote: string
  author: string
  body: string
  /** ISO 8601; defaults to now. */
  now?: string
}

/**
 * Starts a thread with its first comment in one transaction, so nobody ever sees a thread with no
 * comment. Returns the new thread's id. Throws a RangeError on an empty or oversized body.
 */
export function createThread(doc: Y.Doc, input: NewThread, origin: unknown): string {
  const body = checkBody(input.body)
  const now = input.now ?? new Date().toISOString()
  const id = uuidv4()
  doc.transact(() => {
    const thread = new Y.Map<unknown>()
    thread.set(ThreadKey.id, id)
    thread.set(ThreadKey.anchor, input.anchor)
    thread.set(ThreadKey.quote, toQuote(input.quote))
    thread.set(ThreadKey.author, input.author)
    thread.set(ThreadKey.createdAt, now)
    thread.set(ThreadKey.resolved, false)
    const comments = new Y.Array<Y.Map<unknown>>()
    comments.push([commentMap(input.author, body, now)])
    thread.set(ThreadKey.comments, comments)
    getThreads(doc).push([thread])
  }, origin)
  return id
}

/**
 * Adds a reply to thread `threadId`. Returns false when the thread is gone or malformed (someone
 * else's client broke it); throws a RangeError on an empty or oversized body or a full thread.
 */
export function replyToThread(
  doc: Y.Doc,
  threadId: string,
  reply: { author: string; body: string; now?: string },
  origin: unknown,
): boolean {
  const body = checkBody(reply.body)
  const thread = findThreadMap(doc, threadId)
  const comments = thread?.get(ThreadKey.comments)
  if (!(comments instanceof Y.Array)) return false
  if (comments.length >= MAX_THREAD_COMMENTS) throw new RangeError(THREAD_FULL)
  doc.transact(() => {
    comments.push([commentMap(reply.author, body, reply.now ?? new Date().toISOString())])
  }, origin)
  return true
}

/** Resolves or reopens a thread; false when there is no such thread. */
export function setThreadResolved(doc: Y.Doc, threadId: string, resolved: boolean, origin: unknown): boolean {
  const thread = findThreadMap(doc, threadId)
  if (!thread) return false
  doc.transact(() => thread.set(ThreadKey.resolved, resolved), origin)
  return true
}

/** Someone who can be mentioned: a person on the task. */
export interface Mentionable {
  id: string
  name: string
}

const WORD_CHAR_RE = /[\p{L}\p{N}_]/u

/**
 * The ids of the people `body` mentions as `@Name` (case-insensitive, whole name, longest name
 * first so "@Ada Lovelace" is not read as "@Ada"). Only the given people can be mentioned.
 */
export function mentionsIn(body: string, people: readonly Mentionable[]): string[] {
  const lower = body.toLowerCase()
  const found = new Set<string>()
  const byLength = [...people].filter((p) => p.name.trim() !== '').sort((a, b) => b.name.length - a.name.length)
  let at = lower.indexOf('@')
  while (at !== -1) {
    for (const p of byLength) {
      const name = p.name.toLowerCase()
      if (!lower.startsWith(name, at + 1)) continue
      const next = body[at + 1 + name.length]
      if (next !== undefined && WORD_CHAR_RE.test(next)) continue
      found.add(p.id)
      break
    }
    at = lower.indexOf('@', at + 1)
  }
  return [...found]
}

/** Whether any comment of `thread` mentions `userId`. */
export function threadMentions(thread: ThreadView, userId: string, people: readonly Mentionable[]): boolean {
  return thread.comments.some((c) => mentionsIn(c.body, people).includes(userId))
}
