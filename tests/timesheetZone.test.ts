/** The timesheet in a time zone: days split where that zone's midnight falls, CSV and JSON alike. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { ActivityTracker } from '../server/services/activity'
import { timesheetRows } from '../server/services/timesheet'
import { reviewTask } from './helpers/review'
import { tempDir } from './helpers/server'
import { serverPerTest } from './helpers/perTest'

const test = suite('timesheetZone')
const fx = serverPerTest(test)
const at = (iso: string) => Date.parse(iso)

async function get(query: string) {
  const res = await fetch(`${fx.server.url}/api/timesheet?${query}`, { headers: { authorization: `Bearer ${fx.server.leadToken}` } })
  return { status: res.status, text: await res.text() }
}

/** CSV lines after the header, as `day minutes`. */
function csvDays(text: string): string[] {
  return text.trimEnd().split('\r\n').slice(1).map((line) => {
    const [, day, , minutes] = line.split(',')
    return `${day} ${minutes}`
  })
}

/** Two minutes across 18:30 UTC (midnight in Kolkata) and two across 08:00 UTC (midnight in Los Angeles). */
async function workAcrossMidnights() {
  const { id, ann } = await reviewTask(fx.server)
  const activity = fx.server.running.deps.activity
  for (const iso of ['2026-03-02T18:29:00Z', '2026-03-02T18:30:00Z', '2026-03-02T18:31:00Z', '2026-03-03T07:59:00Z', '2026-03-03T08:00:00Z', '2026-03-03T08:01:00Z']) {
    activity.note(ann.id, id, at(iso))
  }
  return { id, ann }
}

test('a known session crossing midnight lands on different days in UTC, Asia/Kolkata and America/Los_Angeles', async () => {
  await workAcrossMidnights()
  const range = 'from=2026-03-01&to=2026-03-04'
  assert.equal(csvDays((await get(range)).text), ['2026-03-02 2.0', '2026-03-03 2.0'], 'UTC by default')
  assert.equal(csvDays((await get(`${range}&tz=UTC`)).text), ['2026-03-02 2.0', '2026-03-03 2.0'])
  // +5:30: 18:30 UTC is midnight, so the first session is split; the second lies in the afternoon
  assert.equal(csvDays((await get(`${range}&tz=Asia/Kolkata`)).text), ['2026-03-02 1.0', '2026-03-03 3.0'])
  // −8:00 in early March: 08:00 UTC is midnight, so the second session is split
  assert.equal(csvDays((await get(`${range}&tz=America/Los_Angeles`)).text), ['2026-03-02 3.0', '2026-03-03 1.0'])
  // the range is the zone's days: Kolkata's 3 March alone holds three minutes
  assert.equal(csvDays((await get('from=2026-03-03&to=2026-03-03&tz=Asia/Kolkata')).text), ['2026-03-03 3.0'])
})

test('the CSV and the JSON form give the same rows, and the file name says the zone', async () => {
  const { id, ann } = await workAcrossMidnights()
  const query = 'from=2026-03-01&to=2026-03-04&tz=Asia/Kolkata'
  const res = await fetch(`${fx.server.url}/api/timesheet?${query}&format=json`, { headers: { authorization: `Bearer ${fx.server.leadToken}` } })
  assert.is(res.status, 200)
  const json = (await res.json()) as { from: string; to: string; tz: string; rows: { user: string; person: string; day: string; task: string; active_ms: number }[] }
  assert.equal({ from: json.from, to: json.to, tz: json.tz }, { from: '2026-03-01', to: '2026-03-04', tz: 'Asia/Kolkata' })
  assert.equal(json.rows, [
    { user: ann.id, day: '2026-03-02', task: id, active_ms: 60_000, person: 'Ann Annotator' },
    { user: ann.id, day: '2026-03-03', task: id, active_ms: 180_000, person: 'Ann Annotator' },
  ])
  const csv = await fetch(`${fx.server.url}/api/timesheet?${query}`, { headers: { authorization: `Bearer ${fx.server.leadToken}` } })
  assert.match(csv.headers.get('content-disposition') ?? '', /timesheet-2026-03-01-to-2026-03-04-Asia-Kolkata\.csv/)
  const fromCsv = csvDays(await csv.text())
  assert.equal(fromCsv, json.rows.map((r) => `${r.day} ${(r.active_ms / 60_000).toFixed(1)}`))
})

test('an unknown or malformed zone is a 400 that names tz, and a valid zone beside it is answered', async () => {
  await workAcrossMidnights()
  const ok = await get('from=2026-03-01&to=2026-03-04&tz=Europe/Paris')
  assert.is(ok.status, 200, 'control: a real zone')
  for (const tz of ['Mars/Olympus_Mons', 'Asia/Kolkata/../etc', '%00', 'x'.repeat(200), 'constructor', '__proto__']) {
    const bad = await get(`from=2026-03-01&to=2026-03-04&tz=${encodeURIComponent(tz)}`)
    assert.is(bad.status, 400, tz)
    assert.match(bad.text, /tz must be an IANA time zone/)
  }
  const badFormat = await get('from=2026-03-01&to=2026-03-04&format=xml')
  assert.is(badFormat.status, 400)
  assert.is((await get('from=2026-03-01&to=2026-03-04&format=csv')).status, 200)
})

test('old whole-day rows stay on their UTC date in every zone, beside quarter-hour rows', () => {
  const dir = tempDir()
  try {
    fs.mkdirSync(path.join(dir, 'activity'))
    // written before quarter hours were kept: no `q`
    fs.writeFileSync(path.join(dir, 'activity', '2026-03-04.json'), JSON.stringify([{ task: 't1', user: 'ann', revision: 1, active_ms: 600_000 }]))
    const tracker = new ActivityTracker({ dataDir: dir, revisionOf: () => 1, now: () => at('2026-03-05T00:00:00Z') })
    try {
      tracker.note('ann', 't1', at('2026-03-04T20:00:00Z'))
      tracker.note('ann', 't1', at('2026-03-04T20:01:00Z'))
      const rows = (zone: string) => timesheetRows(tracker, '2026-03-01', '2026-03-06', zone).map((r) => `${r.day} ${r.active_ms}`).sort()
      assert.equal(rows('UTC'), ['2026-03-04 660000'])
      // 20:00 UTC is 01:30 the next day in Kolkata; the old row keeps its date
      assert.equal(rows('Asia/Kolkata'), ['2026-03-04 600000', '2026-03-05 60000'])
      assert.equal(tracker.activeOn('t1', 1).get('ann'), 660_000, 'the old public totals count both')
      tracker.flush()
      const again = new ActivityTracker({ dataDir: dir, revisionOf: () => 1 })
      assert.equal(timesheetRows(again, '2026-03-01', '2026-03-06', 'Asia/Kolkata').map((r) => `${r.day} ${r.active_ms}`).sort(), ['2026-03-04 600000', '2026-03-05 60000'], 'both kinds survive a restart')
      void again.close()
    } finally {
      void tracker.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
