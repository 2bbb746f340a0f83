/** The runtimes' harness as the sandbox driver uses it: the same code the browser's workers run. */
export { createJsEngine } from './harness/jsEngine'
export { installHarness, runPython } from './harness/pyEngine'
export type { PyodideLike } from './harness/pyEngine'
export { PY_HARNESS } from './harness/pyHarness'
export type { Progress, RawCase, RawOutcome } from './harness/workerMain'
