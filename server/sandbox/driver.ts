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
import { createJsEngine, installHarness, runPython, type PyodideLike, type Progress, type RawOutcome, toCase } from './engines'
import type { RunRequest as HarnessRequest } from '../../shared/harness/types'
import { PY_HARNESS } from '../../shared/harness/pyHarness'
import { MAX_CASES, MAX_OUTPUT_CHARS } from '../../shared/runs'
import type { FromDriver, RunRequest, ProbeRequest } from './protocol'
import { INSIDE_SNAPSHOT } from './launch'

/** A Python object handed to JavaScript. */
interface PyProxy {
  destroy(): void
}

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
 * The harness compiled once into the snapshot (Pyodide's own compile of its 20 KB takes ~0.3 s
 * of each process's ~1 s start): the code object waits on `sys` under this name until the
 * process installs the harness, which takes it off first, so no subject ever sees it.
 */
const PRECOMPILED = '_codejury_harness'

/**
 * The interpreter as the harness sees it: running the harness's own source runs the code object
 * the snapshot holds (the same compile: filename `<harness>`, no flags), everything else is Pyodide's.
 */
function withPrecompiledHarness(py: PyodideLike): PyodideLike {
  let code = py.runPython(`__import__('sys').__dict__.pop('${PRECOMPILED}', None)`) as (PyProxy & { type?: string }) | undefined
  if (code?.type !== 'code') code = undefined
  return {
    runPython(source, options) {
      if (source !== PY_HARNESS || !code || options?.filename !== '<harness>' || !options.globals) return py.runPython(source, options)
      const exec = py.runPython('exec') as (code: unknown, globals: unknown) => unknown
      try {
        return exec(code, options.globals)
      } finally {
        ;(exec as unknown as PyProxy).destroy()
        code.destroy()
        code = undefined
      }
    },
    setInterruptBuffer: (buffer) => py.setInterruptBuffer(buffer),
  }
}

/**
 * After a restore every process would share the snapshot's random state: reseeded from the
 * system's entropy, so no subject can predict another's (or the tests') random numbers.
 */
const RESEED = "__import__('random').seed()"

async function loadPython(snapshot: boolean): Promise<PyodideLike & { version: string }> {
  const { loadPyodide, version } = await import('pyodide')
  const quiet = () => {}
  const py = await loadPyodide({
    stdout: quiet,
    stderr: quiet,
    // The subject's `import js` sees an empty object, not Node's globals.
    jsglobals: Object.create(null),
    ...(snapshot ? { _makeSnapshot: true } : fs.existsSync(INSIDE_SNAPSHOT) ? { _loadSnapshot: fs.readFileSync(INSIDE_SNAPSHOT) } : {}),
  })
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
    // An attribute, not a name: __main__ stays as Pyodide left it.
    py.runPython(`__import__('sys').${PRECOMPILED} = compile(${JSON.stringify(PY_HARNESS)}, '<harness>', 'exec')`)
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
    const loaded = await loadPython(false)
    loaded.runPython(RESEED)
    const py = withPrecompiledHarness(loaded)
    installHarness(py)
    send({ type: 'ready', versions: { pyodide: loaded.version } })
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
