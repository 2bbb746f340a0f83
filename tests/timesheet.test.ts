/** `GET /api/timesheet`: the lead's CSV of active minutes per person, day and task. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { roomName } from '../shared/roomNames'
import { getWorkspace } from '../shared/schema'
import { api, createUser } from './helpers/server'
import { reviewTask, syncedPeer } from './helpers/review'
import { waitFor } from './helpers/waitFor'
import { serverPerTest } from './helpers/perTest'

const test = suite('timesheet')
const fx = serverPerTest(test)

const at = (iso: string) => Date.parse(iso)

async function csv(query: string, token = fx.server.leadToken) {
  const res = await fetch(`${fx.server.url}/api/timesheet?${query}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

test('gives the lead one row per person, day and task with active minutes to a tenth, and no row without active time', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const bo = await createUser(fx.server, 'Bo, "the second"', 'annotator')
  const activity = fx.server.running.deps.activity
  // a scripted session on an injected clock: Ann works 13 min 20 s around an idle gap; Bo acts once, which is no time
  for (const [user, iso] of [
    [ann.id, '2026-03-02T09:00:00Z'],
    [ann.id, '2026-03-02T09:01:30Z'],
    [ann.id, '2026-03-02T09:03:00Z'],
    [ann.id, '2026-03-02T09:30:00Z'], // 27 min later: idle, not counted
    [ann.id, '2026-03-02T09:31:00Z'],
    [ann.id, '2026-03-02T09:32:45Z'],
    [ann.id, '2026-03-02T09:34:15Z'],
    [ann.id, '2026-03-02T09:35:45Z'],
    [ann.id, '2026-03-02T09:37:15Z'],
    [ann.id, '2026-03-02T09:38:45Z'],
    [ann.id, '2026-03-02T09:40:20Z'],
    [ann.id, '2026-03-03T10:00:00Z'],
    [ann.id, '2026-03-03T10:00:06Z'],
    [bo.id, '2026-03-02T11:00:00Z'],
  ] as const) {
    activity.note(user, id, at(iso))
  }
  const res = await csv('from=2026-03-01&to=2026-03-03')
  assert.is(res.status, 200)
  assert.match(res.type, /text\/csv/)
  assert.equal(res.text.trimEnd().split('\r\n'), [
    'person,day,task,active_minutes',
    `Ann Annotator,2026-03-02,${id},13.3`,
    `Ann Annotator,2026-03-03,${id},0.1`,
  ])
  assert.not.match(res.text, /the second/, 'Bo has no row of 0.0 minutes')
  const json = await api<{ rows: { user: string; day: string; active_ms: number }[] }>(fx.server, fx.server.leadToken, 'GET', '/api/timesheet?from=2026-03-01&to=2026-03-03&format=json')
  assert.equal(json.body.rows.map((r) => [r.user, r.day, r.active_ms]), [
    [ann.id, '2026-03-02', 800_000],
    [ann.id, '2026-03-03', 6_000],
  ], 'the JSON form: the same rows, none at zero')
  // control: once Bo acts again within two minutes, he has time and a row
  activity.note(bo.id, id, at('2026-03-02T11:00:30Z'))
  assert.ok((await csv('from=2026-03-01&to=2026-03-03')).text.includes(`"Bo, ""the second""",2026-03-02,${id},0.5`))
  const one = await csv('from=2026-03-03&to=2026-03-03')
  assert.equal(one.text.trimEnd().split('\r\n'), ['person,day,task,active_minutes', `Ann Annotator,2026-03-03,${id},0.1`])
})

test('shows today’s activity from real fx.peers by default', async () => {
  const { id, ann } = await reviewTask(fx.server)
  const peer = await syncedPeer(fx.server, roomName.workspace(id), ann.token, fx.peers)
  getWorkspace(peer.doc).tests.insert(0, '# more\n')
  await waitFor(() => fx.server.running.deps.activity.activeOn(id, 1).has(ann.id), 'the edit to be noted')
  const res = await csv('')
  assert.match(res.text, new RegExp(`^Ann Annotator,\\d{4}-\\d{2}-\\d{2},${id},\\d+\\.\\d$`, 'm'))
})

test('refuses people who are not the lead and dates that are not dates', async () => {
  const { ann, rev } = await reviewTask(fx.server)
  assert.is((await csv('', ann.token)).status, 403)
  assert.is((await csv('', rev.token)).status, 403)
  for (const q of ['from=2026-13-01', 'from=yesterday', 'from=2026-03-05&to=2026-03-01', 'from=2020-01-01&to=2026-01-01']) {
    const res = await api(fx.server, fx.server.leadToken, 'GET', `/api/timesheet?${q}`)
    assert.is(res.status, 400, q)
    assert.type(res.body.error, 'string')
  }
  assert.is((await csv('from=2026-03-01&to=2026-03-05')).status, 200)
})

test('keeps a name that looks like a formula from running in a spreadsheet', async () => {
  const { id } = await reviewTask(fx.server)
  const evil = await createUser(fx.server, '=HYPERLINK("http://x")', 'annotator')
  fx.server.running.deps.activity.note(evil.id, id, at('2026-03-02T09:00:00Z'))
  fx.server.running.deps.activity.note(evil.id, id, at('2026-03-02T09:01:00Z'))
  const res = await csv('from=2026-03-02&to=2026-03-02')
  assert.ok(res.text.includes(`"'=HYPERLINK(""http://x"")",2026-03-02,${id},1.0`), res.text)
})

test.run()
