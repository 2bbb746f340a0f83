/** The Python worker: Pyodide (core + standard library) from this server, one namespace per subject. */
import { startWorker } from './workerMain'
import { installHarness, runPython, type PyodideLike } from '../../shared/harness/pyEngine'

let pyodide: PyodideLike | null = null

startWorker({
  async warm(vendor) {
    // Pyodide 314 runs only in module workers; its files come from /runner/vendor (no CDN).
    const mod = (await import(/* @vite-ignore */ `${vendor}pyodide/pyodide.mjs`)) as {
      loadPyodide(o: object): Promise<PyodideLike>
    }
    pyodide = await mod.loadPyodide({ indexURL: `${vendor}pyodide/`, fullStdLib: false })
    installHarness(pyodide)
  },
  async run(req, progress) {
    return runPython(pyodide!, req, progress)
  },
})
