/** The distribution planner against an exhaustive optimum on many small seeded instances. */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { planDistribution, planProblem } from '../shared/distribution'
import type { PlanInput, PlanTask } from '../shared/distribution'
import { mulberry32 } from '../shared/seeded'

/** Every subset of `items` of size `k`. */
function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]]
  if (items.length < k) return []
  const [first, ...rest] = items
  return [...subsets(rest, k - 1).map((s) => [first, ...s]), ...subsets(rest, k)]
}

/** Loads sorted from largest to smallest. */
const sortedDesc = (loads: Iterable<number>) => [...loads].sort((a, b) => b - a)

/** -1, 0 or 1: which load vector (sorted descending) is lexicographically smaller. */
function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
  return 0
}

/** The decreasingly minimal load vector over every valid plan, by trying them all. */
function bruteForce(input: PlanInput): number[] {
  const listed = new Set(input.annotators)
  const base = new Map(input.annotators.map((a) => [a, 0]))
  const options = input.tasks.map((task) => {
    const fixed = [...new Set(task.started)].filter((s) => listed.has(s))
    for (const f of fixed) base.set(f, base.get(f)! + 1)
    const open = input.annotators.filter((a) => !fixed.includes(a))
    return subsets(open, Math.max(0, input.perTask - fixed.length))
  })
  let best: number[] | null = null
  const walk = (i: number, loads: Map<string, number>) => {
    if (i === options.length) {
      const v = sortedDesc(loads.values())
      if (!best || compare(v, best) < 0) best = v
      return
    }
    for (const choice of options[i]) {
      for (const a of choice) loads.set(a, loads.get(a)! + 1)
      walk(i + 1, loads)
      for (const a of choice) loads.set(a, loads.get(a)! - 1)
    }
  }
  walk(0, new Map(base))
  return best!
}

/** A random small instance: some current assignees, some of them started, some not listed. */
function instance(seed: number): PlanInput {
  const random = mulberry32(seed)
  const pick = (n: number) => Math.floor(random() * n)
  const m = 1 + pick(4)
  const annotators = Array.from({ length: m }, (_, i) => `a${i}`)
  const everyone = [...annotators, 'x', 'y']
  const perTask = 1 + pick(m)
  const tasks: PlanTask[] = Array.from({ length: 1 + pick(5) }, (_, t) => {
    const assignees = everyone.filter(() => random() < 0.35)
    const started = assignees.filter(() => random() < 0.4)
    return { id: `t${t}`, assignees, started }
  })
  return { annotators, perTask, tasks }
}

/** Checks what every plan must hold: started stay, per-task counts exact, loads as reported. */
function checkValid(input: PlanInput, plan: ReturnType<typeof planDistribution>, label: string): void {
  const listed = new Set(input.annotators)
  const loads = new Map(input.annotators.map((a) => [a, 0]))
  for (const task of input.tasks) {
    const after = plan.assignees.get(task.id)!
    assert.is(new Set(after).size, after.length, `${label}: ${task.id} names nobody twice`)
    for (const s of task.started) assert.ok(after.includes(s), `${label}: ${s} started ${task.id} and stays`)
    for (const a of after) {
      assert.ok(listed.has(a) || task.started.includes(a), `${label}: ${a} on ${task.id} is listed or started it`)
      if (listed.has(a)) loads.set(a, loads.get(a)! + 1)
    }
    const listedFixed = new Set(task.started.filter((s) => listed.has(s))).size
    const listedAfter = after.filter((a) => listed.has(a)).length
    assert.is(listedAfter, Math.max(input.perTask, listedFixed), `${label}: ${task.id} has per_task listed annotators`)
  }
  assert.equal([...plan.loads], [...loads], `${label}: loads as reported`)
}

test('gives the decreasingly minimal loads an exhaustive search finds, on 600 random small instances', () => {
  let withStarted = 0
  for (let seed = 1; seed <= 600; seed++) {
    const input = instance(seed)
    const plan = planDistribution(input)
    checkValid(input, plan, `seed ${seed}`)
    assert.equal(sortedDesc(plan.loads.values()), bruteForce(input), `seed ${seed}: optimal loads`)
    if (input.tasks.some((t) => t.started.length)) withStarted++
  }
  assert.ok(withStarted > 200, 'many instances have started work')
})

test('loads differ by at most one when nothing has started, whatever the current assignees', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const random = mulberry32(seed * 7919)
    const m = 2 + Math.floor(random() * 8)
    const annotators = Array.from({ length: m }, (_, i) => `a${i}`)
    const perTask = 1 + Math.floor(random() * m)
    const tasks = Array.from({ length: 1 + Math.floor(random() * 60) }, (_, t) => ({
      id: `t${t}`,
      assignees: annotators.filter(() => random() < 0.5),
      started: [],
    }))
    const plan = planDistribution({ annotators, perTask, tasks })
    checkValid({ annotators, perTask, tasks }, plan, `seed ${seed}`)
    const loads = [...plan.loads.values()]
    assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `seed ${seed}: ${loads.join(',')}`)
    assert.is(loads.reduce((s, l) => s + l, 0), tasks.length * perTask, 'exactly per_task each')
  }
})

test('keeps a balanced assignment as it is and counts what stays, moves and is added', () => {
  const annotators = ['a', 'b', 'c']
  const tasks = [
    { id: 't1', assignees: ['a', 'b'], started: [] },
    { id: 't2', assignees: ['c', 'a'], started: [] },
    { id: 't3', assignees: ['b', 'c'], started: [] },
  ]
  const same = planDistribution({ annotators, perTask: 2, tasks })
  assert.equal([...same.assignees.values()], [['a', 'b'], ['c', 'a'], ['b', 'c']])
  assert.equal([same.kept, same.moved, same.added], [6, 0, 0])
  // dropping c: c's slots go to a and b; c's unstarted work is taken away
  const without = planDistribution({ annotators: ['a', 'b'], perTask: 2, tasks })
  assert.equal([...without.assignees.values()], [['a', 'b'], ['a', 'b'], ['b', 'a']])
  assert.equal([without.kept, without.moved, without.added], [4, 2, 2])
  // positive control of started work: c started t2, so c stays there although not listed
  const started = planDistribution({ annotators: ['a', 'b'], perTask: 2, tasks: [tasks[0], { ...tasks[1], started: ['c'] }, tasks[2]] })
  assert.equal(started.assignees.get('t2'), ['c', 'a', 'b'])
})

test('names what is wrong with an input it cannot plan', () => {
  assert.match(planProblem({ annotators: [], perTask: 1, tasks: [] })!, /at least one/)
  assert.match(planProblem({ annotators: ['a', 'a'], perTask: 1, tasks: [] })!, /once/)
  assert.match(planProblem({ annotators: ['a', 'b'], perTask: 3, tasks: [] })!, /from 1 to 2/)
  assert.match(planProblem({ annotators: ['a', 'b'], perTask: 0, tasks: [] })!, /from 1 to 2/)
  assert.match(planProblem({ annotators: ['a', 'b'], perTask: 1.5, tasks: [] })!, /whole number/)
  assert.is(planProblem({ annotators: ['a', 'b'], perTask: 2, tasks: [] }), null, 'control: a valid input')
  assert.throws(() => planDistribution({ annotators: ['a'], perTask: 2, tasks: [] }), /per_task/)
})

test.run()
