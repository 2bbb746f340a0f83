/** `codejury users remove|rotate` against a real server: what they print, and that they take effect. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { against, runCliCaptured } from './helpers/cli'
import { api, createUser, startServer } from './helpers/server'
import type { TestServer } from './helpers/server'

const test = suite('access cli')
let server: TestServer

test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  await server.stop()
})

const cli = (argv: string[]) => runCliCaptured([...argv, ...against(server)])

test('rotates a token and prints the new sign-in link once; the old token stops working', async () => {
  const ann = await createUser(server, 'Ada', 'annotator')
  const r = await cli(['users', 'rotate', ann.id])
  assert.is(r.code, 0, r.stderr)
  const fields = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/) as [string, string]))
  assert.is(fields.id, ann.id)
  assert.is(fields['sign-in'], `${server.url}/signin/${fields.token}`)
  assert.is((await api(server, fields.token, 'GET', '/api/me')).status, 200)
  assert.is((await api(server, ann.token, 'GET', '/api/me')).status, 401)
  const json = await cli(['users', 'rotate', ann.id, '--json'])
  assert.is(json.code, 0, json.stderr)
  const body = JSON.parse(json.stdout)
  assert.is(body.signinUrl, `${server.url}/signin/${body.token}`)
  assert.is((await api(server, fields.token, 'GET', '/api/me')).status, 401, 'the previous one stops too')
})

test('removes a user, and fails with exit code 1 and a readable message for an unknown one or yourself', async () => {
  const ann = await createUser(server, 'Grace', 'annotator')
  const r = await cli(['users', 'remove', ann.id])
  assert.is(r.code, 0, r.stderr)
  assert.is(r.stdout.trim(), `removed Grace (${ann.id}, annotator)`)
  assert.is((await api(server, ann.token, 'GET', '/api/me')).status, 401)
  const again = await cli(['users', 'remove', ann.id, '--json'])
  assert.is(again.code, 1)
  assert.match(again.stderr, new RegExp(`^codejury: cannot remove ${ann.id}: no user "${ann.id}"`))
  const me = await api(server, server.leadToken, 'GET', '/api/me')
  const self = await cli(['users', 'remove', me.body.id])
  assert.is(self.code, 1)
  assert.match(self.stderr, /cannot remove yourself/)
  assert.not.match(self.stderr, /\n\s+at /, 'no stack trace')
})

test('refuses an id that cannot name a user with exit code 2, before calling the server', async () => {
  const r = await cli(['users', 'remove', '../tasks'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /"\.\.\/tasks" is not a user id/)
  const missing = await cli(['users', 'rotate'])
  assert.is(missing.code, 2)
  assert.match(missing.stderr, /usage: codejury users rotate ID/)
})

test.run()
