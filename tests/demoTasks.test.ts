/** Demo content: the seeded tasks import cleanly, and their candidates behave as intended. */
import { spawn } from 'node:child_process'
import * as vm from 'node:vm'
import ts from 'typescript'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DEMO_BATCH, DEMO_TASKS } from '../server/seed/demoTasks'
import { parseTaskLines } from '../shared/validation'
import type { TaskInput } from '../shared/types'

/** Per-subject limit, as in the browser sandbox (DESIGN.md, "Running tests against candidates"). */
const RUN_TIMEOUT_MS = 5_000
/** CPython is faster than Pyodide, but a busy CI machine is slower than a laptop: be generous. */
const PYTHON_TIMEOUT_MS = 15_000

const Nature = { clean: 'clean', wrong: 'wrong', slow: 'slow', verbose: 'verbose' } as const
type Nature = (typeof Nature)[keyof typeof Nature]

/**
 * What each candidate is meant to be. Test-only on purpose: the task data users see must not
 * say which candidate is wrong.
 */
const NATURES: Record<string, Record<string, Nature>> = {
  'py-merge-intervals': { a: 'wrong', b: 'clean', c: 'verbose', d: 'slow' },
  'py-longest-palindrome': { a: 'clean', b: 'slow', c: 'wrong', d: 'verbose' },
  'py-climb-stairs': { a: 'slow', b: 'verbose', c: 'clean', d: 'wrong' },
  'py-top-k-words': { a: 'wrong', b: 'slow', c: 'clean', d: 'verbose' },
  'js-pair-sum': { a: 'wrong', b: 'clean', c: 'verbose', d: 'slow' },
  'js-max-subarray': { a: 'slow', b: 'verbose', c: 'wrong', d: 'clean' },
  'js-truncate': { a: 'verbose', b: 'clean', c: 'slow', d: 'wrong' },
  'ts-lru-cache': { a: 'slow', b: 'wrong', c: 'clean', d: 'verbose' },
}

interface CaseResult {
  name: string
  status: 'pass' | 'fail'
  message?: string
}
interface RunResult {
  status: 'pass' | 'fail' | 'error' | 'timeout'
  cases: CaseResult[]
  duration_ms: number
  message?: string
}

function summarize(run: RunResult): RunResult['status'] {
  if (run.status !== 'pass') return run.status
  return run.cases.length > 0 && run.cases.every((c) => c.status === 'pass') ? 'pass' : 'fail'
}

const PYTHON_HARNESS = `
import json, sys, time
payload = json.load(sys.stdin)
ns = {"__name__": "__candidate__"}
out = {"status": "pass", "cases": []}
start = time.perf_counter()
try:
    exec(compile(payload["code"], "candidate.py", "exec"), ns)
    exec(compile(payload["tests"], "tests.py", "exec"), ns)
except BaseException as e:
    out = {"status": "error", "cases": [], "message": "%s: %s" % (type(e).__name__, e)}
else:
    for name, fn in list(ns.items()):
        if name.startswith("test_") and callable(fn):
            try:
                fn()
                out["cases"].append({"name": name, "status": "pass"})
            except BaseException as e:
                out["cases"].append({"name": name, "status": "fail", "message": "%s: %s" % (type(e).__name__, e)})
out["duration_ms"] = (time.perf_counter() - start) * 1000
print(json.dumps(out))
`

/** Runs a Python subject and the tests in one namespace in a `python3` child, pytest style. */
function runPython(code: string, tests: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', PYTHON_HARNESS], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, PYTHON_TIMEOUT_MS)
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot run python3 (the demo tests need it): ${err.message}`))
    })
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      if (timedOut) {
        resolve({ status: 'timeout', cases: [], duration_ms: PYTHON_TIMEOUT_MS })
      } else if (exitCode !== 0) {
        reject(new Error(`python3 exited with ${exitCode}: ${stderr}`))
      } else {
        resolve(JSON.parse(stdout) as RunResult)
      }
    })
    child.stdin.end(JSON.stringify({ code, tests }))
  })
}

/** `test`, `assert` (ok, equal, deepEqual, throws) and a runner, evaluated inside the context. */
const JS_HARNESS = `
var __cases = []
function test(name, fn) { __cases.push({ name: name, fn: fn }) }
var assert = (function () {
  function fail(message, fallback) { throw new Error(message || fallback) }
  function same(a, b) {
    if (Object.is(a, b)) return true
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
    if (Array.isArray(a) !== Array.isArray(b)) return false
    var ka = Object.keys(a), kb = Object.keys(b)
    if (ka.length !== kb.length) return false
    return ka.every(function (k) { return Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]) })
  }
  return {
    ok: function (v, m) { if (!v) fail(m, 'expected a truthy value') },
    equal: function (a, b, m) { if (!Object.is(a, b)) fail(m, 'expected ' + String(b) + ', got ' + String(a)) },
    deepEqual: function (a, b, m) { if (!same(a, b)) fail(m, 'expected ' + JSON.stringify(b) + ', got ' + JSON.stringify(a)) },
    throws: function (fn, m) { try { fn() } catch (e) { return } fail(m, 'expected a throw') },
  }
})()
`
const JS_DRIVER = `
;(function () {
  return __cases.map(function (c) {
    try { c.fn(); return { name: c.name, status: 'pass' } }
    catch (e) { return { name: c.name, status: 'fail', message: String(e && e.message || e) } }
  })
})()
`

function stripTypes(source: string): string {
  const out = ts.transpileModule(source, {
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  })
  const problems = out.diagnostics ?? []
  if (problems.length > 0) {
    throw new Error(ts.flattenDiagnosticMessageText(problems[0].messageText, '\n'))
  }
  return out.outputText
}

/** Runs a JS/TS subject and the tests as one script in a fresh `node:vm` context. */
function runJs(code: string, tests: string, language: string): RunResult {
  let source: string
  try {
    const subject = language === 'typescript' ? stripTypes(code) : code
    source = `${JS_HARNESS}\n${subject}\n;\n${tests}\n${JS_DRIVER}`
  } catch (err) {
    return { status: 'error', cases: [], duration_ms: 0, message: (err as Error).message }
  }
  const context = vm.createContext({})
  const start = performance.now()
  try {
    const cases = vm.runInContext(source, context, { timeout: RUN_TIMEOUT_MS }) as CaseResult[]
    // Results come from another realm: copy them into this one before uvu compares them.
    const duration_ms = performance.now() - start
    return { status: 'pass', cases: JSON.parse(JSON.stringify(cases)), duration_ms }
  } catch (err) {
    const message = String((err as Error)?.message ?? err)
    const status = /timed out/.test(message) ? 'timeout' : 'error'
    return { status, cases: [], duration_ms: performance.now() - start, message }
  }
}

function run(task: TaskInput, candidateCode: string): Promise<RunResult> {
  const tests = task.tests ?? ''
  return task.language === 'python'
    ? runPython(candidateCode, tests)
    : Promise.resolve(runJs(candidateCode, tests, task.language))
}

function describeRun(r: RunResult): string {
  const failed = r.cases.filter((c) => c.status === 'fail')
  return `${r.status} in ${Math.round(r.duration_ms)} ms${r.message ? `: ${r.message}` : ''}${
    failed.length ? `; failed: ${failed.map((c) => `${c.name} (${c.message})`).join(', ')}` : ''
  }`
}

const content = suite('demo content')

content('serializes to JSONL that the import validator accepts', () => {
  const jsonl = DEMO_TASKS.map((t) => JSON.stringify(t)).join('\n') + '\n'
  const { tasks, errors } = parseTaskLines(jsonl)
  assert.equal(errors, [])
  assert.equal(tasks, JSON.parse(JSON.stringify(DEMO_TASKS)))
})

content('has at least 8 tasks, half of them Python and half JavaScript or TypeScript', () => {
  assert.ok(DEMO_TASKS.length >= 8)
  const python = DEMO_TASKS.filter((t) => t.language === 'python').length
  const js = DEMO_TASKS.filter((t) => ['javascript', 'typescript'].includes(t.language)).length
  assert.is(python, js)
  assert.is(python + js, DEMO_TASKS.length)
  assert.ok(DEMO_TASKS.some((t) => t.language === 'typescript'))
})

content('gives every task an example, an entry point, seed tests and 3–4 candidates', () => {
  for (const task of DEMO_TASKS) {
    assert.type(task.prompt, 'string', `${task.id}: demo prompts are markdown`)
    if (typeof task.prompt !== 'string') continue
    assert.ok(task.prompt.startsWith('# '), `${task.id}: prompt opens with a heading`)
    assert.match(task.prompt, /~~~(python|js|ts)\n/, `${task.id}: prompt has an example block`)
    assert.ok(task.entry_point, `${task.id}: entry_point`)
    assert.ok(task.tests && task.tests.length > 0, `${task.id}: seed tests`)
    assert.ok(task.candidates.length >= 3 && task.candidates.length <= 4, task.id)
    for (const c of task.candidates) {
      assert.ok(c.model, `${task.id}/${c.id}: model`)
      const definesEntry =
        c.code.includes(`def ${task.entry_point}(`) ||
        c.code.includes(`function ${task.entry_point}(`) ||
        c.code.includes(`class ${task.entry_point}`)
      assert.ok(definesEntry, `${task.id}/${c.id} defines ${task.entry_point}`)
    }
    assert.equal(task.metadata?.source, 'demo')
    assert.ok(['easy', 'medium', 'hard'].includes(String(task.metadata?.difficulty)), task.id)
  }
})

content('does not reveal which candidate is which in what users see', () => {
  const telltale = /\b(bug|buggy|wrong|incorrect|correct|slow|naive|inefficient|verbose|clean)\b/i
  for (const task of DEMO_TASKS) {
    assert.not.match(JSON.stringify(task.metadata), telltale, `${task.id}: metadata`)
    for (const c of task.candidates) {
      assert.not.match(c.code, telltale, `${task.id}/${c.id}: code`)
      assert.not.match(c.model ?? '', telltale, `${task.id}/${c.id}: model`)
    }
  }
})

content('labels every candidate in the test-only map, one clean and one wrong per task', () => {
  assert.equal(Object.keys(NATURES).sort(), DEMO_TASKS.map((t) => t.id).sort())
  for (const task of DEMO_TASKS) {
    const natures = NATURES[task.id]
    assert.equal(Object.keys(natures).sort(), task.candidates.map((c) => c.id).sort(), task.id)
    const count = (n: Nature) => Object.values(natures).filter((x) => x === n).length
    assert.is(count('clean'), 1, `${task.id}: one clean`)
    assert.is(count('wrong'), 1, `${task.id}: one wrong`)
    assert.ok(count('slow') + count('verbose') >= 1, `${task.id}: a slow or verbose one`)
  }
})

content('has a batch with guidelines and a 1–5 rubric the guidelines explain', () => {
  assert.is(DEMO_BATCH.name, 'demo')
  assert.ok(DEMO_BATCH.rubric.length >= 3)
  assert.is(new Set(DEMO_BATCH.rubric.map((c) => c.id)).size, DEMO_BATCH.rubric.length)
  for (const c of DEMO_BATCH.rubric) {
    assert.match(c.id, /^[a-z_]+$/)
    assert.ok(Number.isInteger(c.min) && Number.isInteger(c.max) && c.min < c.max, c.id)
    assert.ok(c.max - c.min + 1 <= 9, `${c.id}: at most 9 steps`)
    assert.ok(c.description.length > 40, `${c.id}: a description an annotator can apply`)
    assert.ok(DEMO_BATCH.guidelines.includes(c.name), `guidelines explain ${c.name}`)
  }
  assert.match(DEMO_BATCH.guidelines, /## Ranking/)
  assert.match(DEMO_BATCH.guidelines, /explanation/i)
})

content.run()

const candidates = suite('demo candidates')

for (const task of DEMO_TASKS) {
  candidates(`${task.id}: behave as labelled when run against the seed tests`, async () => {
    const natures = NATURES[task.id]
    const runs = new Map<string, RunResult>()
    for (const c of task.candidates) runs.set(c.id, await run(task, c.code))
    const byNature = (n: Nature) =>
      task.candidates
        .filter((c) => natures[c.id] === n)
        .map((c) => [c.id, runs.get(c.id)!] as const)

    for (const [id, r] of [...byNature('clean'), ...byNature('verbose')]) {
      assert.is(summarize(r), 'pass', `${task.id}/${id} passes: ${describeRun(r)}`)
    }
    for (const [id, r] of byNature('wrong')) {
      assert.is(r.status, 'pass', `${task.id}/${id} runs to the end: ${describeRun(r)}`)
      assert.ok(
        r.cases.some((c) => c.status === 'fail'),
        `${task.id}/${id} fails at least one seed test: ${describeRun(r)}`,
      )
    }
    const [[cleanId, clean]] = byNature('clean')
    const codeOf = (id: string) => task.candidates.find((c) => c.id === id)!.code
    let cleanMs = clean.duration_ms
    for (const [id, r] of byNature('slow')) {
      const status = summarize(r)
      assert.ok(status === 'pass' || status === 'timeout', `${task.id}/${id}: ${describeRun(r)}`)
      // The fastest of up to three runs of each: another process on the machine can slow one run
      // of the clean candidate (seen: 555 ms under load against a few ms when quiet).
      let slowMs = r.duration_ms
      const slower = () => slowMs >= 100 && slowMs >= 5 * cleanMs
      for (let again = 0; again < 2 && status !== 'timeout' && !slower(); again++) {
        cleanMs = Math.min(cleanMs, (await run(task, codeOf(cleanId))).duration_ms)
        slowMs = Math.min(slowMs, (await run(task, codeOf(id))).duration_ms)
      }
      assert.ok(
        status === 'timeout' || slower(),
        `${task.id}/${id} is measurably slower than the clean one ` +
          `(${Math.round(slowMs)} ms against ${Math.round(cleanMs)} ms, fastest runs)`,
      )
    }
    if (process.env.DEMO_TIMINGS) {
      for (const c of task.candidates) {
        console.log(`${task.id}/${c.id} ${natures[c.id]}: ${describeRun(runs.get(c.id)!)}`)
      }
    }
  })
}

candidates.run()
