/** Runs one JavaScript/TypeScript subject and its tests in a fresh QuickJS context, case by case. */
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten-core'
import { transform } from 'sucrase'
import type { Progress, RawOutcome, RunRequest } from './types'
import { JS_PRELUDE } from './jsPrelude'
import { caseLimitMessage, MAX_CASES } from '../runs'

/** Memory one subject may allocate inside QuickJS. */
const MEMORY_LIMIT_BYTES = 64 * 1024 * 1024
/** Stack for candidate code: well under 256 KB, so deep recursion is a clean error inside QuickJS, not a host overflow. */
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


type CaseState = { status: 'pass' | 'fail' | 'error'; message?: string }

/** A thrown value as a case result: our `assert`'s AssertionError fails the case, anything else is an error. */
function thrownState(ctx: QuickJSContext, handle: QuickJSHandle): CaseState {
  let e: unknown
  try {
    e = ctx.dump(handle)
  } catch {
    e = undefined
  }
  handle.dispose()
  if (e && typeof e === 'object' && 'message' in e) {
    const { name, message } = e as { name?: unknown; message?: unknown }
    if (name === 'AssertionError') return { status: 'fail', message: String(message) }
    return { status: 'error', message: `${String(name ?? 'Error')}: ${String(message ?? '')}` }
  }
  return { status: 'error', message: `thrown: ${String(e)}` }
}

/** A registered case: the host keeps its function handle, so the subject cannot replace or wrap it. */
interface HostCase {
  name: string
  fn: QuickJSHandle
  limit: number
}

/**
 * The QuickJS side of a run, usable in the sandbox worker and in a Node host. Every subject gets
 * a fresh runtime and context. The prelude runs first; the subject's code next; then the host
 * puts back any intrinsic the code replaced (a flag says so) and evaluates the tests as a function
 * whose parameters are `test` (a host function: the host records each case's name, limit and
 * function) and `assert` (made by the prelude from intrinsics captured before the code ran). The
 * host calls each case and decides its outcome from the call itself: it returned (or its promise
 * fulfilled), or it threw. The subject's limit is `req.timeout_ms`; a case registered with
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
      const registered: HostCase[] = []
      const flags = new Set<string>()
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
        const makeAssert = ctx.getProp(ctx.global, '__cj_assert')
        const restore = ctx.getProp(ctx.global, '__cj_restore')
        const limitOf = ctx.getProp(ctx.global, '__cj_limit')
        // Disposed however the run ends: a live handle at rt.dispose() aborts QuickJS's GC check.
        handles.push(makeAssert, restore, limitOf)
        for (const name of ['__cj_assert', '__cj_restore', '__cj_limit']) ctx.unwrapResult(ctx.evalCode(`delete globalThis.${name}`)).dispose()
        const putBack = () => {
          const result = ctx.callFunction(restore, ctx.undefined)
          if (result.error) {
            result.error.dispose()
            flags.add('harness')
            return
          }
          const changed = JSON.parse(ctx.getString(result.value)) as string[]
          result.value.dispose()
          if (changed.length) flags.add('harness')
        }
        const timedOut = () => performance.now() > deadline
        let loadError: string | null = null
        const loaded = ctx.evalCode(code, 'code.js')
        if (loaded.error) loadError = `${timedOut() ? 'timed out' : 'while loading the code'}: ${errorText(ctx, loaded.error)}`
        else loaded.value.dispose()
        if (timedOut()) return { cases: [], error: loadError, timedOut: true, ...out }
        putBack()
        // `test` is the host's: a case is recorded here, out of the context's reach.
        const test = ctx.newFunction('test', (nameHandle, a, b) => {
          const first = ctx.typeof(a) === 'function'
          const fnHandle = first ? a : b
          const options = first ? b : a
          if (!fnHandle || ctx.typeof(fnHandle) !== 'function') throw new TypeError('test(name, fn) needs a function')
          let limit = 0
          if (options && ctx.typeof(options) !== 'undefined') {
            const read = ctx.callFunction(limitOf, ctx.undefined, options)
            if (read.error) return { error: read.error }
            limit = ctx.getNumber(read.value)
            read.value.dispose()
          }
          const name = ctx.typeof(nameHandle) === 'string' ? ctx.getString(nameHandle) : String(ctx.dump(nameHandle))
          if (registered.length < MAX_CASES) registered.push({ name: name.slice(0, 480), fn: fnHandle.dup(), limit })
        })
        const assertHandle = ctx.callFunction(makeAssert, ctx.undefined)
        handles.push(test)
        if (assertHandle.error) throw new Error(errorText(ctx, assertHandle.error))
        handles.push(assertHandle.value)
        const suite = ctx.evalCode(`(function (test, assert) {${tests}\n})`, 'tests.js')
        if (suite.error) loadError ??= `while loading the tests: ${errorText(ctx, suite.error)}`
        else {
          handles.push(suite.value)
          const ran = ctx.callFunction(suite.value, ctx.undefined, test, assertHandle.value)
          if (ran.error) loadError ??= `while loading the tests: ${errorText(ctx, ran.error)}`
          else ran.value.dispose()
        }
        for (const c of registered) handles.push(c.fn)
        if (!registered.length && !loadError) loadError = 'no tests found: the tests register no case with test(name, fn)'
        const names = registered.map((c) => c.name)
        progress.onCases(names)
        const cases: RawOutcome['cases'] = []
        const stopped = (i: number) => ({ cases, error: `stopped at the time limit in ${JSON.stringify(names[i])}`, timedOut: true, ...out })
        for (let i = req.from_case ?? 0; i < names.length; i++) {
          if (loadError) {
            cases.push({ name: names[i], status: 'error', message: loadError })
            continue
          }
          const limit = registered[i].limit
          progress.onCase(i, limit)
          stopAt = limit > 0 ? Math.min(deadline, performance.now() + limit) : deadline
          // Past the case's own deadline but not the subject's: this case failed, the rest still run.
          const overCaseLimit = () => limit > 0 && !timedOut() && performance.now() > stopAt
          const called = ctx.callFunction(registered[i].fn, ctx.undefined)
          let state: CaseState
          if (called.error) {
            const thrown = thrownState(ctx, called.error)
            if (timedOut()) return stopped(i)
            state = overCaseLimit() ? { status: 'fail', message: caseLimitMessage(limit) } : thrown
          } else {
            const jobs = rt.executePendingJobs()
            if (jobs.error) jobs.error.dispose()
            if (timedOut()) {
              called.value.dispose()
              return stopped(i)
            }
            const promise = ctx.getPromiseState(called.value)
            if (overCaseLimit()) state = { status: 'fail', message: caseLimitMessage(limit) }
            else if (promise.type === 'pending') state = { status: 'error', message: 'the test returned a promise that never settled' }
            else if (promise.type === 'rejected') state = thrownState(ctx, promise.error)
            else {
              if (!promise.notAPromise) promise.value.dispose()
              state = { status: 'pass' }
            }
            called.value.dispose()
          }
          stopAt = deadline
          cases.push({ name: names[i], ...state })
          progress.onCaseDone(i, cases[cases.length - 1])
        }
        putBack()
        return { cases, error: loadError, ...out, ...(flags.size ? { flags: [...flags].sort() } : {}) }
      } finally {
        try {
          for (const handle of handles) if (handle.alive) handle.dispose()
          ctx.dispose()
          rt.dispose()
        } catch {
          // A context stopped mid-allocation can refuse to dispose; the worker stays usable.
        }
      }
    },
  }
}
