/** The Python worker: Pyodide (core + standard library) from this server, one namespace per subject. */
import { startWorker } from './workerMain'
import { PY_HARNESS } from './pyHarness'

interface PyodideLike {
  runPython(code: string): unknown
  globals: { get(name: string): (...args: unknown[]) => Promise<string> }
}

let pyodide: PyodideLike | null = null

startWorker({
  async warm(vendor) {
    // Pyodide 314 runs only in module workers; its files come from /runner/vendor (no CDN).
    const mod = (await import(/* @vite-ignore */ `${vendor}pyodide/pyodide.mjs`)) as {
      loadPyodide(o: object): Promise<PyodideLike>
    }
    pyodide = await mod.loadPyodide({ indexURL: `${vendor}pyodide/`, fullStdLib: false })
    pyodide.runPython(PY_HARNESS)
  },
  async run(req, progress) {
    const run = pyodide!.globals.get('_codejury_run')
    const report = (kind: string, json: string) => {
      const value = JSON.parse(json) as unknown
      if (kind === 'cases' && Array.isArray(value)) progress.onCases(value.map(String))
      if (kind === 'case' && typeof value === 'number') progress.onCase(value)
    }
    const json = await run(req.code, req.tests, report)
    const parsed = JSON.parse(String(json)) as { cases: []; error: string | null; stdout: string; stderr: string }
    return { cases: parsed.cases, error: parsed.error, stdout: parsed.stdout, stderr: parsed.stderr }
  },
})
