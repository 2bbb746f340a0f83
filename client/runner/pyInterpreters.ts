/**
 * Python interpreters for one worker, each used by one subject only: every one is restored from a
 * memory snapshot taken once, after Pyodide loaded and the harness recorded its clean state and
 * before any subject's code ran. A restored interpreter is a new wasm instance (new memory, new
 * Emscripten file system, new proxies) of the wasm module compiled once; nothing a subject did to
 * its interpreter reaches the next. While one subject runs, the next interpreter is already on its
 * way; at most that spare and the running one are alive.
 */
import { adoptHarness, stashHarness, type PyodideLike } from '../../shared/harness/pyEngine'
import { servePyodideFiles } from './pyFiles'

type Imports = WebAssembly.Imports & { env: WebAssembly.ModuleImports }
type Instantiated = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void
/** The part of Emscripten's settings the wasm cache replaces. */
interface ModuleSettings {
  instantiateWasm?: (imports: Imports, done: Instantiated) => unknown
}
type CreateModule = (settings: ModuleSettings) => Promise<unknown>
type Pyodide = PyodideLike & { makeMemorySnapshot(): Uint8Array }
type LoadPyodide = (options: object) => Promise<Pyodide>

/**
 * Emscripten's module factory with the wasm compiled once: the first instance compiles it (as
 * Pyodide does), the later ones instantiate the kept module. Pyodide adds two imports of its own
 * to `env` before instantiating; they are module-wide, so they are kept with it.
 */
function compileOnce(create: CreateModule, fail: (e: unknown) => void): { create: CreateModule; compiled: () => boolean } {
  let kept: { module: WebAssembly.Module; env: WebAssembly.ModuleImports } | null = null
  const compiled = () => kept !== null
  const wrapped: CreateModule = (settings) => {
    const original = settings.instantiateWasm
    if (!original) return create(settings)
    settings.instantiateWasm = (imports, done) => {
      if (!kept) {
        return original(imports, (instance, module) => {
          const { Jsv_GetError_import, JsvError_Check } = imports.env
          kept = { module, env: { Jsv_GetError_import, JsvError_Check } }
          done(instance, module)
        })
      }
      const { module, env } = kept
      Object.assign(imports.env, env)
      WebAssembly.instantiate(module, imports).then((instance) => done(instance, module), fail)
      return {}
    }
    return create(settings)
  }
  return { create: wrapped, compiled }
}

export class Interpreters {
  private spare: Promise<PyodideLike> | null = null

  private constructor(private readonly restore: () => Promise<PyodideLike>) {}

  /**
   * Loads Pyodide once, installs the harness, takes the snapshot, and restores the first
   * interpreter; the loaded one is dropped (it was made for the snapshot only).
   */
  static async start(vendor: string): Promise<Interpreters> {
    const base = `${vendor}pyodide/`
    const [mod, asm, lockFile] = await Promise.all([
      import(/* @vite-ignore */ `${base}pyodide.mjs`) as Promise<{ loadPyodide: LoadPyodide }>,
      import(/* @vite-ignore */ `${base}pyodide.asm.mjs`) as Promise<{ default: CreateModule }>,
      fetch(`${base}pyodide-lock.json`).then((r) => {
        if (!r.ok) throw new Error(`pyodide-lock.json: HTTP ${r.status}`)
        return r.text()
      }),
    ])
    // Emscripten never reports a failed instantiation; a restore waiting on one fails instead.
    let failed: (e: unknown) => void = () => {}
    const failure = new Promise<never>((_, reject) => (failed = reject))
    failure.catch(() => {})
    const { create, compiled } = compileOnce(asm.default, (e) => failed(e))
    servePyodideFiles(base, compiled)
    const options = { indexURL: base, fullStdLib: false, lockFileContents: lockFile, createPyodideModule: create }
    const first = await mod.loadPyodide({ ...options, _makeSnapshot: true })
    stashHarness(first)
    const snapshot = first.makeMemorySnapshot()
    const interpreters = new Interpreters(async () => {
      const py = await Promise.race([mod.loadPyodide({ ...options, _loadSnapshot: snapshot }), failure])
      adoptHarness(py)
      return py
    })
    await interpreters.refill()
    return interpreters
  }

  /** Starts restoring the spare; resolves once it is ready. */
  private refill(): Promise<PyodideLike> {
    const spare = this.restore()
    this.spare = spare
    spare.catch(() => {})
    return spare
  }

  /**
   * An interpreter no subject has used, handed out once: the caller runs one subject on it and
   * drops it. The next one starts restoring now, while the caller's subject runs.
   */
  async take(): Promise<PyodideLike> {
    const spare = this.spare ?? this.refill()
    this.spare = null
    let py: PyodideLike
    try {
      py = await spare
    } catch {
      // A failed restore (a transient fetch error, say) gets one more go before the run fails.
      py = await this.restore()
    }
    void this.refill()
    return py
  }
}
