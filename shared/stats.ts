/** The shape of `GET /api/stats?batch=NAME`: agreement, throughput and active time of one batch. */
import type { BatchMode, TaskStatus } from './types'

/** One task of the batch: its state and how far its ballots agree. */
export interface TaskStats {
  id: string
  status: TaskStatus
  revision: number
  assignees: string[]
  /** Ballots with at least one candidate placed. */
  ballots: number
  /** Ballots submitted (and still complete). */
  submitted: number
  /** Mean pairwise Kendall tau-b over the candidates both ballots placed; null below two ballots. */
  mean_tau_b: number | null
  /** Share of ballot pairs with the same first choice; null below two ballots with a first choice. */
  top1_agreement: number | null
  /** Candidate pairs some ballots order one way and others the other way. */
  split_pairs: number
}

/** Finalized revisions on one UTC day. */
export interface DayCount {
  day: string
  finalized: number
}

/** One person's active time on the batch's tasks on one UTC day. */
export interface PersonDay {
  user: string
  name: string
  /** The person's role now ('unknown' for a removed user): the charts show annotators. */
  role: string
  day: string
  active_ms: number
}

/** The whole answer of the stats route. */
export interface BatchStats {
  batch: string
  mode: BatchMode
  /** The UTC days (inclusive) that throughput and active time cover. */
  from: string
  to: string
  /**
   * The tasks with at least one ballot that places a candidate, by id. A task without one has no
   * agreement to show and is only counted in `task_count`, so a collaborative batch lists none.
   */
  tasks: TaskStats[]
  /** Every task of the batch, listed in `tasks` or not. */
  task_count: number
  /** Tasks whose `mean_tau_b` is a number: those the agreement chart can draw. */
  tasks_compared: number
  /** The mean of those tasks' `mean_tau_b`; null when no task has one. */
  mean_tau_b: number | null
  /**
   * Krippendorff's alpha (ordinal) over the batch: units are (task, candidate), coders the
   * annotators, values the rank positions of complete ballots. Null when nothing is comparable.
   */
  alpha_ordinal: number | null
  /** How many complete ballots the alpha was computed from. */
  alpha_ballots: number
  finalized_per_day: DayCount[]
  active_per_day: PersonDay[]
}
