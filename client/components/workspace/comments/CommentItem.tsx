/** One comment: its author's name (from the task's people), when, and its body as markdown. */
import type { Component } from 'solid-js'
import type { CommentView } from '../../../../shared/comments'
import { formatTime } from '../../../format'
import { MarkdownView } from '../../common/MarkdownView'

export const CommentItem: Component<{ comment: CommentView; authorName: string }> = (props) => (
  <div class="comment">
    <div class="comment-meta small">
      <strong>{props.authorName}</strong> <span class="muted">{formatTime(props.comment.createdAt)}</span>
    </div>
    {/* Sanitized by renderMarkdown, the client's one path from user text to HTML. */}
    <MarkdownView text={props.comment.body} class="comment-body" />
  </div>
)
