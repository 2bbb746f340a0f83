/** Runs one JavaScript/TypeScript subject and its tests in a fresh QuickJS context, case by case. */
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten-core'
import { transform } from 'sucrase'
import type { Progress, RawOutcome, RunRequest } from './types'
import { JS_PRELUDE } from './jsPrelude'
import { caseLimitMessage, MAX_CASES } from '../runs'

/** Memory one subject may allocate inside QuickJS. */
const MEMORY_LIMIT_BYTES = 64 * 1024 * 1024
/** Stack for candidate code: well under 256 KB, so deep recursion is a clean error inside QuickJS, not a host overflow (issue 12). */
const MAX_STACK_BYTES = 128 * 1024
const MAX_OUTPUT_CHARS = 8_000
/** Transformed sources kept: "Run tests" sends the same tests text with every subject. */
const SCRIPT_CACHE_SIZE = 16

/** sucrase drops `namespace` blocks silently, so TypeScript that uses them is refused up front. */
const NAMESPACE = /^[ \t]*(?:export[ \t]+)?(?:namespace|module)[ \t]+[A-Za-z_$][\w$.]*[ \t]*\{/m
const MODULE_SYNTAX = /^[ \t]*(?:import|export)\b/m

const scripts = new Map<string, string>()

/** Strips types (TypeScript) and turns import/export into CommonJS the prelude understands. */
export function toScript(code: string, typescript: boolean, what: string): string {
  if (typescript && NAMESPACE.test(code)) {
    throw new SyntaxError(`the ${what} use a TypeScript namespace, which the runner cannot run; use a plain object or module-level functions`)
  }
  const transforms: ('typescript' | 'imports')[] = typescript ? ['typescript'] : []
  if (MODULE_SYNTAX.test(code)) transforms.push('imports')
  if (!transforms.length) return code
  const key = `${transforms.join()}\0${code}`
  const cached = scripts.get(key)
  if (cached !== undefined) return cached
  let script: string
  try {
    script = transform(code, { transforms, disableESTransforms: true }).code
  } catch (e) {
    throw new SyntaxError(`${(e as Error).message}`)
  }
  if (scripts.size >= SCRIPT_CACHE_SIZE) scripts.delete(scripts.keys().next().value!)
  scripts.set(key, script)
  return script
}

function errorText(ctx: QuickJSContext, handle: QuickJSHandle): string {
  const e = ctx.dump(handle) as unknown
  handle.dispose()
  if (e && typeof e === 'object' && 'message' in e) {
    const { name, message } = e as { name?: string; message?: string }
    return `${name ?? 'Error'}: ${message ?? ''}`
  }
  return `thrown: ${String(e)}`
}


type CaseState = { status: 'pass' | 'fail' | 'error'; message?: string } | null

/**
 * The QuickJS side of a run, usable in the sandbox worker and in Node (the demo tasks' own test
 * runs candidates through it). The subject's limit is `req.timeout_ms`; a case registered with
 * `{ timeout_ms }` also has its own deadline, after which QuickJS's interrupt handler stops it
 * (the interrupt cannot be caught by the code under test), the case fails with "exceeded its N
 * ms limit" and the next case runs in the same context.
 */
export function createJsEngine(quickjs: QuickJSWASMModule): { run(req: RunRequest, progress: Progress): RawOutcome } {
  return {
    run(req, progress) {
      const typescript = req.language === 'typescript'
      const out = { stdout: '', stderr: '' }
      let code: string
      let tests: string
      try {
        code = toScript(req.code, typescript, 'code')
      } catch (e) {
        return { cases: [], error: `SyntaxError in the code: ${(e as Error).message}`, ...out }
      }
      try {
        tests = toScript(req.tests, typescript, 'tests')
      } catch (e) {
        return { cases: [], error: `SyntaxError in the tests: ${(e as Error).message}`, ...out }
      }
      const deadline = performance.now() + req.timeout_ms
      // The deadline the interrupt handler checks: the subject's, or a limited case's if sooner.
      let stopAt = deadline
      const rt = quickjs.newRuntime()
      rt.setMemoryLimit(MEMORY_LIMIT_BYTES)
      rt.setMaxStackSize(MAX_STACK_BYTES)
      rt.setInterruptHandler(() => performance.now() > stopAt)
      const ctx = rt.newContext()
      const handles: QuickJSHandle[] = []
      try {
        const write = ctx.newFunction('__cj_out', (stream, text) => {
          const key = ctx.getNumber(stream) === 1 ? 'stderr' : 'stdout'
          if (out[key].length < MAX_OUTPUT_CHARS) out[key] += ctx.getString(text) + '\n'
        })
        ctx.setProp(ctx.global, '__cj_out', write)
        write.dispose()
        const prelude = ctx.evalCode(JS_PRELUDE, 'prelude.js')
        if (prelude.error) throw new Error(errorText(ctx, prelude.error))
        prelude.value.dispose()
        const listCases = ctx.getProp(ctx.global, '__cj_cases')
        const runCase = ctx.getProp(ctx.global, '__cj_case')
        // Disposed however the run ends: a live handle at rt.dispose() aborts QuickJS's GC check.
        handles.push(listCases, runCase)
        for (const name of ['__cj_cases', '__cj_case']) ctx.unwrapResult(ctx.evalCode(`delete globalThis.${name}`)).dispose()
        const timedOut = () => performance.now() > deadline
        let loadError: string | null = null
        const loaded = ctx.evalCode(code, 'code.js')
        if (loaded.error) loadError = `${timedOut() ? 'timed out' : 'while loading the code'}: ${errorText(ctx, loaded.error)}`
        else loaded.value.dispose()
        if (timedOut()) return { cases: [], error: loadError, timedOut: true, ...out }
        const loadedTests = ctx.evalCode(tests, 'tests.js')
        if (loadedTests.error) loadError ??= `while loading the tests: ${errorText(ctx, loadedTests.error)}`
        else loadedTests.value.dispose()
        // As many cases as a run may report (the Python harness stops at the same number).
        const listed = (JSON.parse(ctx.getString(ctx.unwrapResult(ctx.callFunction(listCases, ctx.undefined)))) as [string, number][]).slice(0, MAX_CASES)
        const names = listed.map(([name]) => name)
        progress.onCases(names)
        const cases: RawOutcome['cases'] = []
        const stopped = (i: number) => ({ cases, error: `stopped at the time limit in ${JSON.stringify(names[i])}`, timedOut: true, ...out })
        for (let i = req.from_case ?? 0; i < names.length; i++) {
          if (loadError) {
            cases.push({ name: names[i], status: 'error', message: loadError })
            continue
          }
          const limit = listed[i][1]
          progress.onCase(i, limit)
          stopAt = limit > 0 ? Math.min(deadline, performance.now() + limit) : deadline
          // Past the case's own deadline but not the subject's: this case failed, the rest still run.
          const overCaseLimit = () => limit > 0 && !timedOut() && performance.now() > stopAt
          const index = ctx.newNumber(i)
          const called = ctx.callFunction(runCase, ctx.undefined, index)
          index.dispose()
          let state: CaseState
          if (called.error) {
            const text = errorText(ctx, called.error)
            if (timedOut()) return stopped(i)
            state = overCaseLimit() ? { status: 'fail', message: caseLimitMessage(limit) } : { status: 'error', message: text }
          } else {
            const jobs = rt.executePendingJobs()
            if (jobs.error) jobs.error.dispose()
            const settled = ctx.callFunction(called.value, ctx.undefined)
            called.value.dispose()
            if (settled.error) settled.error.dispose()
            if (timedOut()) return stopped(i)
            if (overCaseLimit()) state = { status: 'fail', message: caseLimitMessage(limit) }
            else if (settled.error) state = { status: 'error', message: 'the harness could not read the result' }
            else {
              state = JSON.parse(ctx.getString(settled.value)) as CaseState
              settled.value.dispose()
            }
            if (!state) state = { status: 'error', message: 'the test returned a promise that never settled' }
          }
          stopAt = deadline
          cases.push({ name: names[i], ...state })
          progress.onCaseDone(i, cases[cases.length - 1])
        }
        return { cases, error: loadError, ...out }
      } finally {
        try {
          for (const handle of handles) handle.dispose()
          ctx.dispose()
          rt.dispose()
        } catch {
          // A context stopped mid-allocation can refuse to dispose; the worker stays usable.
        }
      }
    },
  }
}
