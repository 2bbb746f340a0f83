/** The task list's live `task` event: parsed defensively, and whether a changed row stays in a list. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseTaskEvent } from '../client/stores/queue'
import { stillListed } from '../client/stores/taskPages'

const good = { taskId: 't1', status: 'submitted', revision: 2, assignees: ['u1'], updatedAt: '2026-12-07T00:00:00Z' }

test('a well-formed task event parses, and anything malformed reads as null', () => {
  assert.equal(parseTaskEvent(JSON.stringify(good)), good)
  for (const bad of [
    'not json',
    'null',
    JSON.stringify({ ...good, status: 'deleted' }),
    JSON.stringify({ ...good, status: '__proto__' }),
    JSON.stringify({ ...good, revision: 1.5 }),
    JSON.stringify({ ...good, assignees: [1] }),
    JSON.stringify({ ...good, taskId: 7 }),
  ]) {
    assert.is(parseTaskEvent(bad), null, bad)
  }
})

test('a changed row leaves a list it no longer matches: the reader’s own queue, an assignee filter, a status filter', () => {
  const e = parseTaskEvent(JSON.stringify(good))!
  // Controls: no filter keeps it; the member and the filters it matches keep it.
  assert.equal(stillListed(e, {}, undefined), { listed: true, statusMatches: true })
  assert.equal(stillListed(e, { assignee: 'u1', status: 'submitted' }, 'u1'), { listed: true, statusMatches: true })
  assert.is(stillListed(e, {}, 'u2').listed, false, 'taken from the reader')
  assert.is(stillListed(e, { assignee: 'u2' }, undefined).listed, false, 'not the filtered assignee')
  assert.is(stillListed(e, { status: 'open' }, undefined).statusMatches, false, 'left the filtered status')
})

test.run()
