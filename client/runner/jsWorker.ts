/** The JavaScript/TypeScript worker: loads QuickJS (release-sync) and runs subjects through jsEngine. */
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core'
import releaseSync from '@jitl/quickjs-wasmfile-release-sync'
import { startWorker } from './workerMain'
import { createJsEngine } from '../../shared/harness/jsEngine'

/**
 * Run once before the worker says it is warm. V8 first runs new WebAssembly (and sucrase) with its
 * baseline compilers and optimises what turns out hot; without this, the first subject on a fresh
 * worker (the first "Run tests", or the one after a worker was stopped) ran about twice as slowly.
 */
const WARM_UP = {
  type: 'run',
  language: 'typescript',
  code: 'function sum(xs: number[]): number {\n  let s = 0\n  for (const x of xs) s += x\n  return s\n}\n',
  tests:
    "test('warm', () => {\n  const m = new Map<number, number[]>()\n  for (let i = 0; i < 3000; i++) m.set(i, [i, i % 7])\n" +
    "  const xs = Array.from({ length: 20000 }, (_, i) => i % 13)\n  assert.equal(sum(xs), sum(xs))\n  assert.deepEqual([...'ab'], ['a', 'b'])\n})\n",
  timeout_ms: 2_000,
} as const

let engine: ReturnType<typeof createJsEngine> | null = null

startWorker({
  async warm(vendor) {
    const variant = newVariant(releaseSync, { wasmLocation: `${vendor}quickjs/emscripten-module.wasm` })
    engine = createJsEngine(await newQuickJSWASMModuleFromVariant(variant))
    engine.run(WARM_UP, { onCases() {}, onCase() {}, onCaseDone() {} })
  },
  async run(req, progress) {
    return engine!.run(req, progress)
  },
})
