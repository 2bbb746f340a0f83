/** The JavaScript/TypeScript worker: QuickJS (release-sync) with deadline, memory and stack limits. */
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core'
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten-core'
import releaseSync from '@jitl/quickjs-wasmfile-release-sync'
import { transform } from 'sucrase'
import { startWorker, type RawOutcome } from './workerMain'
import { JS_PRELUDE } from './jsPrelude'

/** Memory one subject may allocate inside QuickJS. */
const MEMORY_LIMIT_BYTES = 64 * 1024 * 1024
/** Stack for candidate code: well under 256 KB, so deep recursion is a clean error inside QuickJS, not a host overflow (issue 12). */
const MAX_STACK_BYTES = 128 * 1024
const MAX_OUTPUT_CHARS = 8_000

let quickjs: QuickJSWASMModule | null = null

/** sucrase drops `namespace` blocks silently, so TypeScript that uses them is refused up front. */
const NAMESPACE = /^[ \t]*(?:export[ \t]+)?(?:namespace|module)[ \t]+[A-Za-z_$][\w$.]*[ \t]*\{/m
const MODULE_SYNTAX = /^[ \t]*(?:import|export)\b/m

/** Strips types (TypeScript) and turns import/export into CommonJS the prelude understands. */
export function toScript(code: string, typescript: boolean, what: string): string {
  if (typescript && NAMESPACE.test(code)) {
    throw new SyntaxError(`the ${what} use a TypeScript namespace, which the runner cannot run; use a plain object or module-level functions`)
  }
  const transforms: ('typescript' | 'imports')[] = typescript ? ['typescript'] : []
  if (MODULE_SYNTAX.test(code)) transforms.push('imports')
  if (!transforms.length) return code
  try {
    return transform(code, { transforms, disableESTransforms: true }).code
  } catch (e) {
    throw new SyntaxError(`${(e as Error).message}`)
  }
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

startWorker({
  async warm(vendor) {
    const variant = newVariant(releaseSync, { wasmLocation: `${vendor}quickjs/emscripten-module.wasm` })
    quickjs = await newQuickJSWASMModuleFromVariant(variant)
  },
  async run(req, progress): Promise<RawOutcome> {
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
    const deadline = Date.now() + req.timeout_ms
    const rt = quickjs!.newRuntime()
    rt.setMemoryLimit(MEMORY_LIMIT_BYTES)
    rt.setMaxStackSize(MAX_STACK_BYTES)
    rt.setInterruptHandler(() => Date.now() > deadline)
    const ctx = rt.newContext()
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
      for (const name of ['__cj_cases', '__cj_case']) ctx.unwrapResult(ctx.evalCode(`delete globalThis.${name}`)).dispose()
      const timedOut = () => Date.now() > deadline
      let loadError: string | null = null
      const loaded = ctx.evalCode(code, 'code.js')
      if (loaded.error) loadError = `${timedOut() ? 'timed out' : 'while loading the code'}: ${errorText(ctx, loaded.error)}`
      else loaded.value.dispose()
      if (timedOut()) return { cases: [], error: loadError, timedOut: true, ...out }
      const loadedTests = ctx.evalCode(tests, 'tests.js')
      if (loadedTests.error) loadError ??= `while loading the tests: ${errorText(ctx, loadedTests.error)}`
      else loadedTests.value.dispose()
      const names = JSON.parse(ctx.getString(ctx.unwrapResult(ctx.callFunction(listCases, ctx.undefined)))) as string[]
      progress.onCases(names)
      const cases: RawOutcome['cases'] = []
      for (let i = 0; i < names.length; i++) {
        if (loadError) {
          cases.push({ name: names[i], status: 'error', message: loadError })
          continue
        }
        progress.onCase(i)
        const index = ctx.newNumber(i)
        const called = ctx.callFunction(runCase, ctx.undefined, index)
        index.dispose()
        if (called.error) {
          const text = errorText(ctx, called.error)
          if (timedOut()) return { cases, error: `stopped at the time limit in ${JSON.stringify(names[i])}`, timedOut: true, ...out }
          cases.push({ name: names[i], status: 'error', message: text })
          continue
        }
        rt.executePendingJobs()
        const settled = ctx.callFunction(called.value, ctx.undefined)
        called.value.dispose()
        const state = JSON.parse(ctx.getString(ctx.unwrapResult(settled))) as { status: 'pass' | 'fail' | 'error'; message?: string } | null
        if (timedOut()) return { cases, error: `stopped at the time limit in ${JSON.stringify(names[i])}`, timedOut: true, ...out }
        cases.push(state ? { name: names[i], ...state } : { name: names[i], status: 'error', message: 'the test returned a promise that never settled' })
      }
      listCases.dispose()
      runCase.dispose()
      return { cases, error: loadError, ...out }
    } finally {
      try {
        ctx.dispose()
        rt.dispose()
      } catch {
        // A context stopped mid-allocation can refuse to dispose; the worker stays usable.
      }
    }
  },
})
