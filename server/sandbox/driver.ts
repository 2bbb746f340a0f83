/**
 * The program inside the sandbox (bundled by driverBundle.ts, run by launch.ts under bubblewrap).
 * Its mode comes from the server's command line: `python` or `js` load their runtime, say
 * `ready`, read one run request from stdin, run that one subject and stream its cases; the server
 * kills the process after it. `snapshot` writes a Pyodide memory snapshot to stdout (run once, on
 * nothing untrusted); `probe` runs the server's own isolation checks.
 */
import fs from 'node:fs'
import os from 'node:os'
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core'
import releaseSync from '@jitl/quickjs-wasmfile-release-sync'
import { adoptHarness, createJsEngine, installHarness, runPython, stashHarness, type PyodideLike, type Progress, type RawOutcome, toCase } from './engines'
import type { RunRequest as HarnessRequest } from '../../shared/harness/types'
import { MAX_CASES, MAX_OUTPUT_CHARS } from '../../shared/runs'
import type { FromDriver, RunRequest, ProbeRequest } from './protocol'
import { INSIDE_SNAPSHOT } from './launch'

// The protocol is ours alone: console output (Pyodide's, a runtime's warning) never reaches it.
const protocolFd = 1
const send = (msg: FromDriver) => fs.writeSync(protocolFd, JSON.stringify(msg) + '\n')
console.log = console.info = console.warn = console.error = console.debug = () => {}

// Pyodide's Node file system asks `process.binding('constants')`, which the permission model refuses.
;(process as unknown as { binding: (name: string) => unknown }).binding = (name: string) => {
  if (name === 'constants') return { fs: fs.constants, os: os.constants }
  throw new Error(`process.binding(${name}) is not available in the sandbox`)
}

function readRequest(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = ''
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (chunk: string) => {
      text += chunk
      const end = text.indexOf('\n')
      if (end >= 0) {
        process.stdin.pause()
        try {
          resolve(JSON.parse(text.slice(0, end)))
        } catch (e) {
          reject(e)
        }
      }
    })
    process.stdin.on('end', () => reject(new Error('stdin closed before a request')))
  })
}

/**
 * Pyodide for one subject: restored from the snapshot (its harness installed, adopted here and
 * taken out of `sys` before any subject runs; a restore draws its own random state), or loaded
 * and given the harness where there is no snapshot.
 */
async function loadPython(snapshot: boolean): Promise<PyodideLike & { version: string }> {
  const { loadPyodide, version } = await import('pyodide')
  const quiet = () => {}
  const restoring = !snapshot && fs.existsSync(INSIDE_SNAPSHOT)
  const py = await loadPyodide({
    stdout: quiet,
    stderr: quiet,
    // The subject's `import js` sees an empty object, not Node's globals.
    jsglobals: Object.create(null),
    ...(snapshot ? { _makeSnapshot: true } : restoring ? { _loadSnapshot: fs.readFileSync(INSIDE_SNAPSHOT) } : {}),
  })
  if (!snapshot) {
    if (restoring) adoptHarness(py as unknown as PyodideLike)
    else installHarness(py as unknown as PyodideLike)
  }
  return Object.assign(py as unknown as PyodideLike, { version })
}

function progressOf(): Progress {
  return {
    onCases: (names) => send({ type: 'cases', names: names.slice(0, 200).map((n) => n.slice(0, 480)) }),
    onCase: (index, limitMs) => send({ type: 'case', index, limit_ms: limitMs }),
    onCaseDone: (index, result) => send({ type: 'case_done', index, result: toCase(result) }),
  }
}

/** The outcome line: the harness's cases and error, output cut to what a run keeps, any tampering flags. */
function toDone(raw: RawOutcome): FromDriver {
  const cut = (text: string) => text.slice(0, MAX_OUTPUT_CHARS)
  return {
    type: 'done',
    cases: raw.cases.slice(0, MAX_CASES).map(toCase),
    error: raw.error === null ? null : raw.error.slice(0, 480),
    stdout: cut(raw.stdout),
    stderr: cut(raw.stderr),
    timed_out: raw.timedOut === true,
    ...(raw.flags?.length ? { flags: raw.flags.slice(0, 16) } : {}),
  }
}

/** The harness's request, field by field from the server's. */
function toHarnessRequest(req: RunRequest): HarnessRequest {
  return {
    language: req.language,
    code: req.code,
    tests: req.tests,
    timeout_ms: req.timeout_ms,
    ...(req.entry_point ? { entry_point: req.entry_point } : {}),
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2]
  if (mode === 'snapshot') {
    const py = (await loadPython(true)) as unknown as PyodideLike & { makeMemorySnapshot(): Uint8Array }
    // The harness installed, its clean state recorded, before the snapshot: a process only adopts it.
    stashHarness(py)
    fs.writeSync(protocolFd, py.makeMemorySnapshot())
    return
  }
  if (mode === 'probe') {
    send({ type: 'ready', versions: { node: process.version } })
    const req = (await readRequest()) as ProbeRequest
    // The server's probe source: a check of what this process can reach, with all of JS's rights.
    const module = await import(`data:text/javascript,${encodeURIComponent(`export default async () => {${req.source}\n}`)}`)
    send({ type: 'probe', value: await module.default() })
    return
  }
  if (mode === 'python') {
    const py = await loadPython(false)
    send({ type: 'ready', versions: { pyodide: py.version } })
    const req = (await readRequest()) as RunRequest
    const raw = await runPython(py, toHarnessRequest(req), progressOf())
    send(toDone(raw))
    return
  }
  if (mode === 'js') {
    const engine = createJsEngine(await newQuickJSWASMModuleFromVariant(releaseSync))
    send({ type: 'ready', versions: { quickjs: QUICKJS_VERSION } })
    const req = (await readRequest()) as RunRequest
    const raw = engine.run(toHarnessRequest(req), progressOf())
    send(toDone(raw))
    return
  }
  throw new Error(`unknown mode ${mode}`)
}

/** Filled in by the bundler from quickjs-emscripten-core's package.json (the browser's same build). */
declare const QUICKJS_VERSION: string

main().then(
  () => process.exit(0),
  (e: unknown) => {
    try {
      send({ type: 'failed', message: String((e as Error)?.message ?? e).slice(0, 400) })
    } finally {
      process.exit(1)
    }
  },
)
