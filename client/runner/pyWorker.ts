/**
 * The Python worker: Pyodide (core + standard library) from this server, and for each subject an
 * interpreter restored from a clean memory snapshot that no other subject ever ran in.
 */
import { startWorker } from './workerMain'
import { runPython } from '../../shared/harness/pyEngine'
import { Interpreters } from './pyInterpreters'

let interpreters: Interpreters | null = null

startWorker({
  async warm(vendor) {
    // Pyodide 314 runs only in module workers; its files come from /runner/vendor (no CDN).
    interpreters = await Interpreters.start(vendor)
  },
  async run(req, progress) {
    // This is the interpreter's only use: once the run ends nothing holds it and it is freed.
    return runPython(await interpreters!.take(), req, progress)
  },
})
