/**
 * The harness's interface to its host (a Web Worker in the page's sandbox frame, or a plain Node
 * process in the server's sandbox). The host loads a runtime (QuickJS or Pyodide) and hands it to
 * an engine (`createJsEngine`, `createPyEngine`); the engine runs one subject — the subject's code,
 * then the tests — in a clean runtime, and tells the host each case's outcome through `Progress`
 * as the host decides it. Nothing here touches the DOM or Node: `performance.now()` is the only
 * global used, and both hosts have it.
 */

/** One subject to run: its code, the tests, the subject's time limit and where to resume. */
export interface RunRequest {
  language: 'python' | 'javascript' | 'typescript'
  code: string
  tests: string
  timeout_ms: number
  /** The function a HumanEval-style `check(candidate)` is called with (the task's entry point). */
  entry_point?: string
  /** Run the cases from this index on (a subject resumed after one case was stopped from outside). */
  from_case?: number
}

/** Progress callbacks a run reports through; indexes count from the suite's first case. */
export interface Progress {
  onCases(names: string[]): void
  /** Case `index` starts; `limitMs` is its own time limit (0: only the subject's). */
  onCase(index: number, limitMs: number): void
  onCaseDone(index: number, result: RawCase): void
}

/** One case's result as an engine decides it. */
export type RawCase = { name: string; status: 'pass' | 'fail' | 'error'; message?: string }

/** What an engine returns; `toOutcome` truncates the output and decides the status. */
export interface RawOutcome {
  cases: RawCase[]
  error: string | null
  stdout: string
  stderr: string
  timedOut?: boolean
  /** Tampering the host saw and could not prevent (`harness`, `eq-override`, `frame-introspection`, `exit`). */
  flags?: string[]
}
