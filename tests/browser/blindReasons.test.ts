/** Blind judging on the page: a refused Submit lists the candidates in letter order, not in the import order. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { blindOrder } from '../../shared/blind'
import { assign, createUser, importTasks, taskLine } from '../helpers/server'
import { browserFixture, newUserPage } from '../helpers/browser'

const blindReasons = suite('blindReasons')
const fx = browserFixture(blindReasons)

// Imported a, b, c; the blind order is b, c, a, so the import order reads C, A, B.
const TASK = 'p-000000'

blindReasons('lists why a blind task’s Submit is refused with the candidates in letter order', async () => {
  assert.equal(blindOrder(TASK, ['a', 'b', 'c']), ['b', 'c', 'a'], 'the import order is not the letter order: the check can fail')
  const s = fx.server
  await importTasks(s, taskLine(TASK), 'blind', true)
  const ann = await createUser(s, 'Ann Annotator', 'annotator')
  await assign(s, TASK, [ann.id])
  const annotator = await newUserPage(fx.browser, s, ann.token)
  fx.users.push(annotator)
  await annotator.page.goto(`/tasks/${TASK}`)
  await annotator.page.getByRole('button', { name: 'Submit', exact: true }).click()
  const reasons = annotator.page.getByRole('list', { name: 'Reasons submit is refused' })
  await reasons.waitFor()
  const items = await reasons.getByRole('listitem').allTextContents()
  assert.is(items[0], '3 candidates are not ranked: A, B, C')
  const named = items.flatMap((t) => /^candidate (\S+) has no /.exec(t)?.[1] ?? [])
  assert.equal(named, ['A', 'A', 'A', 'B', 'B', 'B', 'C', 'C', 'C'], items.join(' | '))
  // The refused submit's 409 is logged by the browser; nothing else is.
  assert.equal(annotator.errors.filter((e) => !/status of 409/.test(e)), [])
})

blindReasons.run()
