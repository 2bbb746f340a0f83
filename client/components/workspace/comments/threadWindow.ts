/** Which comments of a long thread a card renders, so a thread at its bound stays light. */
import type { CommentView } from '../../../../shared/comments'

/** Replies shown at the end of a long thread, and how many more each "show earlier" adds. */
export const LATEST_REPLIES = 20
export const EARLIER_STEP = 100

/**
 * The comments a thread card renders: the first and the latest LATEST_REPLIES (plus `shown`
 * earlier ones the reader asked for), and how many are hidden between them. A thread at its
 * bound of 500 renders a few dozen comments, not 500 markdown bodies.
 */
export function visibleComments(comments: readonly CommentView[], shown: number): { first: CommentView[]; hidden: number; rest: CommentView[] } {
  const tail = Math.min(comments.length - 1, LATEST_REPLIES + shown)
  if (tail <= 0 || tail === comments.length - 1) return { first: comments.slice(), hidden: 0, rest: [] }
  return { first: comments.slice(0, 1), hidden: comments.length - 1 - tail, rest: comments.slice(comments.length - tail) }
}
