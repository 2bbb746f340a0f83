/** `humaneval` items run through openai/human-eval's own program construction, in python3 (tests/check_humaneval.py). */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DEMO_TASKS } from '../server/seed/demoTasks'
import { exportRows } from '../shared/exports/formats'
import { humanevalItem } from '../shared/exports/humaneval'
import type { HumanevalSource } from '../shared/exports/humaneval'
import type { ReviewRecord } from '../shared/record'
import type { TaskInput } from '../shared/types'
import { makeRecord } from './helpers/makeRecord'
import { tempDir } from './helpers/server'

const test = suite('humaneval export')
const CHECK = path.join(import.meta.dirname, 'check_humaneval.py')
const dirs: string[] = []
test.after.each(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/**
 * Which demo candidate is which. Test-only on purpose (as in tests/demoTasks.test.ts): the task
 * data must not say which candidate is wrong. The clean one stands in for the team's solution.
 */
const NATURES: Record<string, Record<string, 'clean' | 'wrong' | 'slow' | 'verbose'>> = {
  'py-merge-intervals': { a: 'wrong', b: 'clean', c: 'verbose', d: 'slow' },
  'py-longest-palindrome': { a: 'clean', b: 'slow', c: 'wrong', d: 'verbose' },
  'py-climb-stairs': { a: 'slow', b: 'verbose', c: 'clean', d: 'wrong' },
  'py-top-k-words': { a: 'wrong', b: 'slow', c: 'clean', d: 'verbose' },
}

interface Run {
  task_id: string
  sample: string
  passed: boolean
  result: string
}

/** Writes the problems (and samples) and runs the check; never blocks the event loop. */
async function check(problems: unknown[], samples: unknown[] = []): Promise<{ ok: boolean; runs: Run[]; err: string }> {
  const d = tempDir('codejury-humaneval-')
  dirs.push(d)
  const p = path.join(d, 'problems.jsonl')
  const s = path.join(d, 'samples.jsonl')
  fs.writeFileSync(p, problems.map((x) => JSON.stringify(x)).join('\n'))
  fs.writeFileSync(s, samples.map((x) => JSON.stringify(x)).join('\n'))
  const parse = (out: string) => out.split('\n').filter((l) => l.startsWith('{"task_id"')).map((l) => JSON.parse(l) as Run)
  try {
    const { stdout } = await promisify(execFile)('python3', [CHECK, p, s], { encoding: 'utf8' })
    return { ok: true, runs: parse(stdout), err: '' }
  } catch (e: any) {
    return { ok: false, runs: parse(String(e.stdout ?? '')), err: String(e.stderr) }
  }
}

/** A record of a demo task as the team would finalize it: the clean candidate as the reference solution. */
function demoRecord(task: TaskInput): ReviewRecord {
  const clean = Object.entries(NATURES[task.id] ?? {}).find(([, n]) => n === 'clean')?.[0]
  return {
    ...makeRecord({ taskId: task.id }),
    language: task.language,
    prompt: task.prompt,
    entry_point: task.entry_point ?? null,
    candidates: task.candidates.map((c) => ({ id: c.id, code: c.code, model: c.model ?? null })),
    ranking: task.candidates.map((c) => c.id),
    solution: task.candidates.find((c) => c.id === clean)?.code ?? '// a reference',
    tests: task.tests ?? '',
  } as ReviewRecord
}

const itemOf = (src: HumanevalSource) => {
  const built = humanevalItem(src)
  if (!('item' in built)) throw new Error(`left out: ${built.skip}`)
  return { task_id: 't', ...built.item }
}

test('runs every demo Python item in human-eval\'s program: the canonical solution passes, wrong candidates fail, right ones pass', async () => {
  const rows = DEMO_TASKS.flatMap((t) => exportRows(demoRecord(t), { format: 'humaneval', pairs: 'all', promptForm: 'standard' }))
  assert.equal(rows.map((r) => r.task_id).sort(), Object.keys(NATURES).sort(), 'the four Python tasks, no JavaScript or TypeScript one')
  // Slow candidates are left out here only because they take seconds (they fail their time limits).
  const samples = DEMO_TASKS.filter((t) => NATURES[t.id]).flatMap((t) =>
    t.candidates.filter((c) => NATURES[t.id][c.id] !== 'slow').map((c) => ({ task_id: t.id, sample: `${c.id}:${NATURES[t.id][c.id]}`, completion: c.code })))
  const res = await check(rows, samples)
  assert.ok(res.ok, res.err)
  for (const run of res.runs) {
    const wrong = run.sample.endsWith(':wrong')
    assert.is(run.passed, !wrong, `${run.task_id} ${run.sample}: ${run.result}`)
    if (wrong) assert.match(run.result, /^failed: AssertionError/)
  }
  assert.is(res.runs.filter((r) => r.sample === 'canonical_solution').length, 4)
  assert.is(res.runs.filter((r) => !r.passed).length, 4, 'one wrong candidate per task')
  // Negative control: the check refuses an item whose canonical solution is a wrong candidate's.
  const climb = rows.find((r) => r.task_id === 'py-climb-stairs')!
  const broken = { ...climb, canonical_solution: '    return n\n' }
  const refused = await check([broken])
  assert.not.ok(refused.ok)
  assert.match(refused.err, /1 canonical solution\(s\) fail/)
})

test('moves helpers after the body, keeps imports and decorators in the prompt, and keeps a helper the signature needs before it', async () => {
  const problem = 'Return the sorted list of `xs` squared.'
  const helpers = itemOf({
    language: 'python', prompt: problem, entry_point: 'squares',
    solution: 'from typing import List\nimport functools\n\n\ndef square(x):\n    return x * x\n\n\n@functools.lru_cache(maxsize=None)\ndef squares(xs: tuple) -> List[int]:\n    return sorted(square(x) for x in xs)\n',
    tests: 'def test_squares():\n    assert squares((3, -1)) == [1, 9]\n',
  })
  assert.is(helpers.prompt, `from typing import List\nimport functools\n\n\n@functools.lru_cache(maxsize=None)\ndef squares(xs: tuple) -> List[int]:\n    """\n    ${problem}\n    """\n`)
  assert.is(helpers.canonical_solution, '    return sorted(square(x) for x in xs)\n\n\ndef square(x):\n    return x * x\n\n\n')
  const needed = itemOf({
    language: 'python', prompt: problem, entry_point: 'scale',
    solution: 'FACTOR = 3\n\ndef scale(x, by=FACTOR):\n    return x * by\n',
    tests: 'def test_scale():\n    assert scale(2) == 6\n',
  })
  assert.match(needed.prompt, /^FACTOR = 3\n\ndef scale\(x, by=FACTOR\):\n/, 'the default needs FACTOR first')
  const inline = itemOf({ language: 'python', prompt: problem, entry_point: 'add', solution: 'def add(a, b): return a + b', tests: 'def test_add():\n    assert add(1, 2) == 3\n' })
  assert.is(inline.canonical_solution, '    return a + b\n')
  const klass = itemOf({
    language: 'python', prompt: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'A counter class.' }, { role: 'assistant', content: 'class Counter: pass' }, { role: 'user', content: 'It must count.' }],
    entry_point: 'Counter',
    solution: 'class Counter:\n    def __init__(self):\n        self.n = 0\n\n    def tick(self):\n        self.n += 1\n        return self.n\n',
    tests: 'import asyncio\n\nasync def test_ticks():\n    await asyncio.sleep(0)\n    c = Counter()\n    assert [c.tick(), c.tick()] == [1, 2]\n',
  })
  assert.match(klass.prompt, /^class Counter:\n {4}"""\n {4}It must count\.\n {4}"""\n$/, 'the last user turn')
  const humanevalStyle = itemOf({
    language: 'python', prompt: problem, entry_point: 'add', solution: 'def add(a, b):\n    return a + b\n',
    tests: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0\n',
  })
  assert.is(humanevalStyle.test, 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0\n', 'HumanEval\'s own form is kept as it is')
  const both = itemOf({
    language: 'python', prompt: problem, entry_point: 'add', solution: 'def add(a, b):\n    return a + b\n',
    tests: 'def check(candidate):\n    assert candidate(2, 2) == 4\n\ndef test_add():\n    assert add(1, 2) == 3\n',
  })
  const quoted = itemOf({
    language: 'python', prompt: 'Quotes """ and \'\'\' and a backslash \\ and a tab\tand a \u0000 end with "', entry_point: 'add',
    solution: 'def add(a, b):\n    return a + b\n', tests: 'def test_add():\n    assert add(1, 2) == 3\n',
  })
  const items = [helpers, needed, inline, klass, humanevalStyle, both, quoted].map((it, i) => ({ ...it, task_id: `t${i}` }))
  const wrong = [
    { task_id: 't0', completion: '    return [x * x for x in xs]\n' },
    { task_id: 't1', completion: '    return x\n' },
    { task_id: 't2', completion: '    return a - b\n' },
    { task_id: 't3', completion: '    def tick(self):\n        return 1\n' },
    { task_id: 't4', completion: '    return a * b\n' },
    { task_id: 't5', completion: '    return 4 if a == 2 else 0\n' },
    { task_id: 't6', completion: '    return a * b\n' },
  ]
  const res = await check(items, wrong)
  assert.ok(res.ok, res.err)
  assert.is(res.runs.filter((r) => r.sample === 'canonical_solution' && r.passed).length, 7, 'every canonical solution passes')
  assert.equal(res.runs.filter((r) => r.sample !== 'canonical_solution').map((r) => [r.task_id, r.passed]), wrong.map((w) => [w.task_id, false]))
  // The docstring holds the problem exactly, between the indentation docstrings are written with.
  const program = `import json\n${quoted.prompt}${quoted.canonical_solution}\nprint(json.dumps(add.__doc__))\n`
  const { stdout } = await promisify(execFile)('python3', ['-c', program], { encoding: 'utf8' })
  assert.is(JSON.parse(stdout), '\n    Quotes """ and \'\'\' and a backslash \\ and a tab\tand a \u0000 end with "\n    ')
})

test('leaves out tasks that are not Python, have no usable entry point, do not define it, or have no tests it can run', () => {
  const base: HumanevalSource = { language: 'python', prompt: 'p', entry_point: 'add', solution: 'def add(a, b):\n    return a + b\n', tests: 'def test_add():\n    assert add(1, 2) == 3\n' }
  assert.ok('item' in humanevalItem(base), 'positive control')
  const skip = (over: Partial<HumanevalSource>) => {
    const built = humanevalItem({ ...base, ...over })
    return 'skip' in built ? built.skip : 'item'
  }
  assert.is(skip({ language: 'javascript' }), 'not_python')
  for (const entry of [null, '', 'two words', 'check', 'class', '__proto__)']) assert.is(skip({ entry_point: entry }), 'no_entry_point', String(entry))
  assert.is(skip({ entry_point: 'plus' }), 'entry_point_not_defined')
  assert.is(skip({ solution: '    def add(a, b):\n        return a + b\n' }), 'entry_point_not_defined', 'only a top-level definition')
  assert.is(skip({ solution: 's = """\ndef add(a, b):\n    return 0\n"""\n' }), 'entry_point_not_defined', 'not one inside a string')
  assert.is(skip({ tests: 'assert add(1, 2) == 3\n' }), 'no_tests')
})

test('reads hostile solutions and prompts in linear time: a huge line before the entry point, a long run of spaces', async () => {
  // In a child process with a generous limit, so a regression to quadratic time fails instead of hanging.
  const root = path.join(import.meta.dirname, '..')
  const script = `
    import { humanevalItem } from '${root}/shared/exports/humaneval.ts'
    import { exportRows } from '${root}/shared/exports/formats.ts'
    const words = 'a '.repeat(200_000)
    const solution = 'x' + words + '\\n' + 'for ' + ' '.repeat(200_000) + 'q\\n' + 'with ' + ' '.repeat(200_000) + '\\n' +
      'def add(a, b):\\n    return a + b\\n'
    const prompt = 'Add' + ' '.repeat(100_000) + 'two numbers.'
    const built = humanevalItem({ language: 'python', prompt, entry_point: 'add', solution, tests: 'def test_add():\\n    assert add(1, 2) == 3\\n' })
    const record = { task_id: 't', revision: 1, record_hash: 'h', prompt: 'p' + ' '.repeat(100_000) + 'q', candidates: [{ id: 'a', code: 'c' }], ranking: ['a'], language: 'python' }
    const rows = exportRows(record as any, { format: 'dpo', pairs: 'all', promptForm: 'standard' })
    console.log(JSON.stringify({ ok: 'item' in built, rows: rows.length }))
  `
  const d = tempDir('codejury-humaneval-')
  dirs.push(d)
  fs.writeFileSync(path.join(d, 'hostile.ts'), script)
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(d, 'hostile.ts')], {
    cwd: root, encoding: 'utf8', timeout: 60_000,
  })
  assert.equal(JSON.parse(stdout), { ok: true, rows: 0 })
})

test.run()
