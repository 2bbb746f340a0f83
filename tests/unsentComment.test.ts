/** Unsent text as a comment body, and the dashboard's durations: plain strings that must not mislead. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { unsentCommentBody } from '../client/stores/unsentText'
import { formatDuration } from '../client/format'
import { MAX_COMMENT_CHARS } from '../shared/comments'

const test = suite('unsentComment')

test('quotes the unsent text whole in a fence no line of it can close', () => {
  const text = 'def f():\n    return 1\n~~~~\n# not a heading\n'
  const body = unsentCommentBody({ field: 'solution', label: 'Reference solution', text, revision: 3 })
  assert.ok(body.startsWith('Text I had in Reference solution when revision 3 was finalized'))
  const lines = body.split('\n')
  const fence = lines[2]
  assert.is(fence, '~~~~~', 'longer than the ~~~~ inside the text')
  assert.is(lines[lines.length - 1], fence)
  assert.is(body.slice(body.indexOf(fence) + fence.length + 1, body.lastIndexOf(fence) - 1), text, 'indentation and lines kept')
  // The control: plain text gets the shortest fence.
  assert.is(unsentCommentBody({ field: 'tests', label: 'Tests', text: 'x', revision: 1 }).split('\n')[2], '~~~')
  assert.ok(MAX_COMMENT_CHARS > body.length)
})

test('shows durations in seconds, then whole minutes, then hours, never rounding up', () => {
  assert.is(formatDuration(0), '0 s')
  assert.is(formatDuration(59_999), '59 s')
  assert.is(formatDuration(60_000), '1 min')
  assert.is(formatDuration(119_999), '1 min')
  assert.is(formatDuration(59 * 60_000 + 59_999), '59 min')
  assert.is(formatDuration(3_600_000 + 5 * 60_000), '1 h 05 min')
  assert.is(formatDuration(-5), '0 s')
})

test.run()
