/** The test-run sandbox in a real browser: real Pyodide and QuickJS, demo tasks' code and tests. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { browserFixture, newUserPage } from '../helpers/browser'
import { openSandbox, runInSandbox } from '../helpers/sandbox'
import { truncate } from '../../server/seed/demo/tasks/js-truncate'

const test = suite('runner sandbox')
const fx = browserFixture(test)

async function signedInPage() {
  const user = await newUserPage(fx.browser, fx.server, fx.server.leadToken)
  fx.users.push(user)
  await user.page.goto('/')
  await openSandbox(user.page)
  return user
}

test('passes a correct JavaScript candidate and fails a subtly wrong one on the right case', async () => {
  const { page } = await signedInPage()
  const good = await runInSandbox(page, 'javascript', truncate.candidates[1].code, truncate.tests!)
  assert.is(good.status, 'pass', JSON.stringify(good))
  assert.is(good.cases.length, 4)
  const wrong = await runInSandbox(page, 'javascript', truncate.candidates[3].code, truncate.tests!)
  assert.is(wrong.status, 'fail', JSON.stringify(wrong))
  const failed = wrong.cases.filter((c) => c.status !== 'pass').map((c) => c.name)
  assert.equal(failed, ['counts an emoji as one character', 'handles a long text'])
})

test.run()
