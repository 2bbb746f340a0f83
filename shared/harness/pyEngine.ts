/** Runs one Python subject through the harness on a loaded Pyodide (worker or Node host), with per-case time limits. */
import type { Progress, RawOutcome, RunRequest } from './types'

/** The part of Pyodide a run needs (the worker's and Node's Pyodide both have it). */
export interface PyodideLike {
  runPython(code: string): unknown
  setInterruptBuffer(buffer: unknown): void
  globals: { get(name: string): (...args: unknown[]) => Promise<string> }
}

/** After a first KeyboardInterrupt, code that swallowed it (a bare `except:`) is interrupted again this often. */
const REPEAT_INTERRUPT_MS = 50
/** What CPython's Emscripten signal check reads as SIGINT. */
const SIGINT = 2

/**
 * A per-case deadline without SharedArrayBuffer: CPython's Emscripten build reads
 * `interruptBuffer[0]` every 50 eval-breaker ticks while a buffer is set, so an object whose
 * `0` reads SIGINT once the deadline has passed raises KeyboardInterrupt in the running case.
 * It is set only while a limited case runs, so every other case runs with signal handling off.
 */
function createCaseInterrupt(py: PyodideLike) {
  let fireAt = Infinity
  const buffer = {
    get 0() {
      const now = performance.now()
      if (now < fireAt) return 0
      fireAt = now + REPEAT_INTERRUPT_MS
      return SIGINT
    },
    set 0(_: number) {
      // CPython clears the flag after reading it; the deadline decides instead.
    },
  }
  return {
    arm(limitMs: number) {
      fireAt = performance.now() + limitMs
      py.setInterruptBuffer(buffer)
    },
    disarm() {
      fireAt = Infinity
      py.setInterruptBuffer(undefined)
    },
  }
}

/** Loads the harness into a fresh Pyodide; call once before the first run. */
export function installHarness(py: PyodideLike, harness: string): void {
  py.runPython(harness)
}

/**
 * Runs `req` through `_codejury_run` (pyHarness.ts). Usable in the sandbox worker and in a Node host
 * (the demo tasks' own test runs candidates through it).
 */
export async function runPython(py: PyodideLike, req: RunRequest, progress: Progress): Promise<RawOutcome> {
  const interrupt = createCaseInterrupt(py)
  const run = py.globals.get('_codejury_run')
  const report = (kind: string, json: string) => {
    const value = JSON.parse(json) as unknown
    if (kind === 'cases' && Array.isArray(value)) progress.onCases(value.map(String))
    if (kind === 'case' && Array.isArray(value)) {
      const [index, limit] = value as [number, number]
      if (limit > 0) interrupt.arm(limit)
      progress.onCase(index, limit)
    }
    if (kind === 'case_done' && Array.isArray(value)) {
      interrupt.disarm()
      progress.onCaseDone(value[0] as number, value[1] as RawOutcome['cases'][number])
    }
  }
  try {
    const json = await run(req.code, req.tests, report, req.from_case ?? 0)
    const parsed = JSON.parse(String(json)) as { cases: RawOutcome['cases']; error: string | null; stdout: string; stderr: string }
    return { cases: parsed.cases, error: parsed.error, stdout: parsed.stdout, stderr: parsed.stderr }
  } finally {
    interrupt.disarm()
  }
}
