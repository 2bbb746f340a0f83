/** The JavaScript/TypeScript worker: loads QuickJS (release-sync) and runs subjects through jsEngine. */
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core'
import releaseSync from '@jitl/quickjs-wasmfile-release-sync'
import { startWorker } from './workerMain'
import { createJsEngine } from './jsEngine'

let engine: ReturnType<typeof createJsEngine> | null = null

startWorker({
  async warm(vendor) {
    const variant = newVariant(releaseSync, { wasmLocation: `${vendor}quickjs/emscripten-module.wasm` })
    engine = createJsEngine(await newQuickJSWASMModuleFromVariant(variant))
  },
  async run(req, progress) {
    return engine!.run(req, progress)
  },
})
