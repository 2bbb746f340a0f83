/**
 * Per person, what the lead's people page shows: tasks assigned now, tasks they submitted, their
 * assigned tasks that are finalized, and active hours this week (Monday to today in the lead's
 * time zone). One pass over the tasks; submissions come from the shared index of the audit
 * log's workflow lines (workflowIndex.ts, each line read once per server), so a request at
 * 100,000 tasks stays cheap.
 */
import { dayInZone, mondayOf } from '../../shared/timeZone'
import type { RecordsDb } from '../storage/recordsDb'
import type { ActivityTracker } from './activity'
import { activeByPerson } from './timesheet'
import type { WorkflowIndex } from './workflowIndex'

/** One person's figures. */
export interface PersonSummary {
  id: string
  assigned: number
  submitted: number
  finalized: number
  /** Active hours from Monday to today in the zone, to a hundredth. */
  hours_week: number
}

/** The summary with the week it covers. */
export interface PeopleSummary {
  tz: string
  week: { from: string; to: string }
  people: PersonSummary[]
}

/** What the summary reads. */
export interface SummaryDeps {
  db: Pick<RecordsDb, 'users' | 'tasks'>
  activity: Pick<ActivityTracker, 'quartersBetween'>
  submitted: Pick<WorkflowIndex, 'counts'>
}

/** Every current user's figures, in the order of the user list; `now` only for tests. */
export function peopleSummary(deps: SummaryDeps, tz: string, now = Date.now()): PeopleSummary {
  const assigned = new Map<string, number>()
  const finalized = new Map<string, number>()
  for (const task of deps.db.tasks) {
    const done = task.status === 'finalized'
    for (const user of task.assignees) {
      assigned.set(user, (assigned.get(user) ?? 0) + 1)
      if (done) finalized.set(user, (finalized.get(user) ?? 0) + 1)
    }
  }
  const submitted = deps.submitted.counts()
  const to = dayInZone(now, tz)
  const from = mondayOf(to)
  const active = activeByPerson(deps.activity, from, to, tz)
  const people = deps.db.users.map((u) => ({
    id: u.id,
    assigned: assigned.get(u.id) ?? 0,
    submitted: submitted.get(u.id) ?? 0,
    finalized: finalized.get(u.id) ?? 0,
    hours_week: Math.round((active.get(u.id) ?? 0) / 36_000) / 100,
  }))
  return { tz, week: { from, to }, people }
}
