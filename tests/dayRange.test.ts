/** The day range shared by the stats and timesheet routes: defaults, real calendar days, bounds. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { HTTPException } from 'hono/http-exception'
import { parseDay, parseDayRange } from '../server/routes/dayRange'

const test = suite('dayRange')
const rules = { defaultDays: 7, maxDays: 366 }
const NOW = Date.parse('2026-03-10T15:30:00Z')

function refusal(fn: () => unknown): { status: number; message: string } {
  try {
    fn()
  } catch (err) {
    assert.instance(err, HTTPException)
    return { status: (err as HTTPException).status, message: (err as HTTPException).message }
  }
  throw new Error('expected a refusal')
}

test('without from or to the range ends today (UTC) and covers the default number of days', () => {
  assert.equal(parseDayRange({}, rules, NOW), { from: '2026-03-04', to: '2026-03-10' })
  assert.equal(parseDayRange({}, { defaultDays: 14, maxDays: 366 }, NOW), { from: '2026-02-25', to: '2026-03-10' })
  // a single-day default covers to alone
  assert.equal(parseDayRange({}, { defaultDays: 1, maxDays: 366 }, NOW), { from: '2026-03-10', to: '2026-03-10' })
})

test('a given to moves the default from with it, and an explicit from is kept', () => {
  assert.equal(parseDayRange({ to: '2026-01-03' }, rules, NOW), { from: '2025-12-28', to: '2026-01-03' })
  assert.equal(parseDayRange({ from: '2026-01-01', to: '2026-01-01' }, rules, NOW), { from: '2026-01-01', to: '2026-01-01' })
  // empty parameters count as absent
  assert.equal(parseDayRange({ from: '', to: '' }, rules, NOW), parseDayRange({}, rules, NOW))
})

test('a day that is not a real YYYY-MM-DD calendar day is refused with a 400 naming the parameter', () => {
  assert.is(parseDay('2024-02-29', 'from'), Date.parse('2024-02-29T00:00:00Z')) // leap day: accepted
  for (const bad of ['2023-02-29', '2026-13-01', '2026-1-05', '2026-01-05T00:00:00Z', ' 2026-01-05', 'yesterday']) {
    const r = refusal(() => parseDayRange({ from: bad, to: '2026-03-01' }, rules, NOW))
    assert.is(r.status, 400, bad)
    assert.ok(r.message.startsWith('from must be a date as YYYY-MM-DD'), r.message)
    assert.ok(r.message.includes(JSON.stringify(bad)), r.message)
  }
  assert.match(refusal(() => parseDayRange({ to: '2026-02-30' }, rules, NOW)).message, /^to must be a date/)
})

test('a backwards range is refused, the same day at both ends is not', () => {
  assert.equal(parseDayRange({ from: '2026-03-02', to: '2026-03-02' }, rules, NOW).from, '2026-03-02')
  const r = refusal(() => parseDayRange({ from: '2026-03-03', to: '2026-03-02' }, rules, NOW))
  assert.equal(r, { status: 400, message: 'from must not be after to' })
})

test('a range of exactly maxDays is accepted and one day more is refused', () => {
  const bounded = { defaultDays: 7, maxDays: 10 }
  assert.equal(parseDayRange({ from: '2026-03-01', to: '2026-03-10' }, bounded, NOW), { from: '2026-03-01', to: '2026-03-10' })
  const r = refusal(() => parseDayRange({ from: '2026-02-28', to: '2026-03-10' }, bounded, NOW))
  assert.equal(r, { status: 400, message: 'at most 10 days at a time' })
})

test.run()
