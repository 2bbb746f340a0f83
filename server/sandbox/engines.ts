/** The runtimes' harness as the sandbox driver uses it: the same code the browser's workers run. */
export { createJsEngine } from '../../shared/harness/jsEngine'
export { adoptHarness, installHarness, runPython, stashHarness } from '../../shared/harness/pyEngine'
export type { PyodideLike } from '../../shared/harness/pyEngine'
export { toCase } from '../../shared/harness/outcome'
export type { Progress, RawCase, RawOutcome } from '../../shared/harness/types'
