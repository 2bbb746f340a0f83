/**
 * Planning a distribution: which annotators each unfinished task of a batch gets, `perTask`
 * distinct ones from a list, balanced, never taking a task from someone who started it.
 *
 * A task's `started` assignees are fixed: they stay, listed or not, and the listed ones count
 * towards its `perTask`. Every other slot is free: its current holder (if listed) is where the plan
 * starts, and may move. The plan's loads (tasks per listed annotator, fixed ones included) are
 * decreasingly minimal: the largest load is as small as it can be, then the next, and so on; so
 * with nothing fixed, loads differ by at most one. It gets there from a greedy fill (each free
 * slot to the least loaded annotator the task lacks) and then moves single slots along
 * alternating paths (b leaves task 1 for c, c leaves task 2 for a…) while some annotator is two or
 * more tasks above one it can reach: on these assignments (an M-convex set of load vectors) no
 * such path left means no better plan exists.
 */

/** One task as the planner sees it. */
export interface PlanTask {
  id: string
  /** Who holds it now, in order. */
  assignees: readonly string[]
  /** The assignees who started it: they stay (a subset of `assignees`). */
  started: readonly string[]
}

export interface PlanInput {
  /** Distinct annotator ids to distribute over. */
  annotators: readonly string[]
  /** Annotators per task, 1..annotators.length. */
  perTask: number
  tasks: readonly PlanTask[]
}

export interface Plan {
  /** Each task's assignees after the distribution (kept ones first, in their order). */
  assignees: Map<string, string[]>
  /** Tasks per listed annotator, in the order of `annotators`. */
  loads: Map<string, number>
  /** Assignments that stay. */
  kept: number
  /** Assignments taken away (given to someone else, or dropped). */
  moved: number
  /** Assignments given. */
  added: number
}

/** Why a plan input cannot be planned, or null. */
export function planProblem(input: PlanInput): string | null {
  const m = input.annotators.length
  if (m === 0) return 'annotators: name at least one annotator'
  if (new Set(input.annotators).size !== m) return 'annotators: each annotator may be named once'
  if (!Number.isInteger(input.perTask) || input.perTask < 1 || input.perTask > m) {
    return `per_task: must be a whole number from 1 to ${m} (the number of annotators named)`
  }
  return null
}

/** Plans a distribution (see the file's comment). Throws on an input `planProblem` refuses. */
export function planDistribution(input: PlanInput): Plan {
  const problem = planProblem(input)
  if (problem) throw new Error(problem)
  const names = input.annotators
  const m = names.length
  const index = new Map<string, number>(names.map((n, i) => [n, i]))
  const load = new Array<number>(m).fill(0)
  const n = input.tasks.length
  /** Listed annotators on each task: its fixed ones first (`fixed[t]` of them), then free slots. */
  const members: number[][] = new Array(n)
  const fixed = new Int32Array(n)

  for (let t = 0; t < n; t++) {
    const task = input.tasks[t]
    const mine: number[] = []
    for (const s of task.started) {
      const a = index.get(s)
      if (a === undefined || mine.includes(a)) continue
      mine.push(a)
      load[a]++
    }
    fixed[t] = mine.length
    for (const holder of task.assignees) {
      if (mine.length >= input.perTask) break
      const a = index.get(holder)
      if (a === undefined || mine.includes(a) || task.started.includes(holder)) continue
      mine.push(a)
      load[a]++
    }
    members[t] = mine
  }

  // Greedy fill: each missing slot to the least loaded annotator the task lacks.
  for (let t = 0; t < n; t++) {
    const mine = members[t]
    while (mine.length < input.perTask) {
      let best = -1
      for (let a = 0; a < m; a++) if ((best < 0 || load[a] < load[best]) && !mine.includes(a)) best = a
      mine.push(best)
      load[best]++
    }
  }

  if (Math.max(...load) - Math.min(...load) >= 2) {
    // Each annotator's free slots, for the paths: built only when some load may still come down.
    const free: Set<number>[] = names.map(() => new Set<number>())
    for (let t = 0; t < n; t++) for (let i = fixed[t]; i < members[t].length; i++) free[members[t][i]].add(t)
    while (improveOnce(members, free, load)) {
      // each move lowers the sum of squared loads by at least 2, so this ends
    }
  }

  const assignees = new Map<string, string[]>()
  let kept = 0
  let moved = 0
  let added = 0
  for (let t = 0; t < n; t++) {
    const task = input.tasks[t]
    const mine = members[t]
    const out: string[] = []
    for (const holder of task.assignees) {
      if (out.includes(holder)) continue
      const a = index.get(holder)
      if ((a !== undefined && mine.includes(a)) || task.started.includes(holder)) {
        out.push(holder)
        kept++
      } else moved++
    }
    for (const a of mine) {
      if (out.includes(names[a])) continue
      out.push(names[a])
      added++
    }
    assignees.set(task.id, out)
  }
  return { assignees, loads: new Map(names.map((name, a) => [name, load[a]])), kept, moved, added }
}

/**
 * Finds one annotator b and an alternating path from b to an annotator a with load(a) ≤
 * load(b) − 2, and moves one slot along it; false when there is none.
 */
function improveOnce(members: number[][], free: Set<number>[], load: number[]): boolean {
  const m = load.length
  const order = [...load.keys()].sort((x, y) => load[y] - load[x])
  const lowest = Math.min(...load)
  for (const b of order) {
    if (load[b] - lowest < 2) return false
    const via = new Array<{ from: number; task: number } | undefined>(m)
    const seen = new Array<boolean>(m).fill(false)
    seen[b] = true
    let visited = 1
    const queue = [b]
    for (let q = 0; q < queue.length && visited < m; q++) {
      const u = queue[q]
      for (const t of free[u]) {
        const mine = members[t]
        for (let v = 0; v < m; v++) {
          if (seen[v] || mine.includes(v)) continue
          seen[v] = true
          visited++
          via[v] = { from: u, task: t }
          if (load[v] <= load[b] - 2) {
            shift(v, via, members, free)
            load[b]--
            load[v]++
            return true
          }
          queue.push(v)
        }
        if (visited === m) break
      }
    }
  }
  return false
}

/** Applies the path ending at `end`: along each hop, `from` leaves the task and the next joins it. */
function shift(end: number, via: ({ from: number; task: number } | undefined)[], members: number[][], free: Set<number>[]): void {
  const hops: { from: number; to: number; task: number }[] = []
  for (let v = end, hop = via[v]; hop; v = hop.from, hop = via[v]) hops.push({ from: hop.from, to: v, task: hop.task })
  for (const { from, to, task } of hops.reverse()) {
    const mine = members[task]
    mine[mine.indexOf(from)] = to
    free[from].delete(task)
    free[to].add(task)
  }
}

/** What a distribution did. */
export interface DistributeResult {
  batch: string
  /** Unfinished tasks distributed. */
  tasks: number
  per_task: number
  /** Tasks per named annotator afterwards (started ones included), in the order named. */
  loads: { annotator: string; tasks: number }[]
  /** Assignments that stayed. */
  kept: number
  /** Assignments taken away (moved to someone else for balance, or from someone not named). */
  moved: number
  /** Assignments given. */
  added: number
}
