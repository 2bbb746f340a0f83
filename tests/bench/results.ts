/** The shape of a run's results: what results/latest.json holds and the report reads. */
import type { ChurnFigures } from './churn'
import type { ColdLoadFigures } from './coldLoad'
import type { RunRow } from './measure'
import type { ServerKind } from './servers/adapters'
import type { W1Session, W2Session } from './workloads'
import type { ImportRun } from './importBench'

/** Everything one server produced in a run; a missing session means it was skipped or failed. */
export interface ServerResults {
  kind: ServerKind
  label: string
  defaultStorage: string
  w1?: W1Session
  /** The light load, one row per round (null where a round failed). */
  light?: Array<RunRow | null>
  w2?: W2Session
  w4?: RunRow
  w3?: ColdLoadFigures
  churn?: ChurnFigures
  /** The import benchmark (codejury only): one entry per run. */
  import?: ImportRun[]
  errors: string[]
}

export interface Results {
  meta: {
    mode: string
    startedAt: string
    durationS: number
    node: string
    cpu: string
    cores: number
    pinning: string
    notes: string[]
  }
  servers: ServerResults[]
}
