/** Runs one Python subject on a loaded Pyodide (worker or Node host): the host calls every case and decides its outcome. */
import type { Progress, RawCase, RawOutcome, RunRequest } from './types'
import { PY_HARNESS } from './pyHarness'
import { caseLimitMessage, MAX_CASES } from '../runs'

/** A Python object as Pyodide hands it to JavaScript. */
interface PyProxyLike {
  (...args: unknown[]): unknown
  get(key: string): unknown
  toJs(options?: { depth?: number; dict_converter?: (entries: Iterable<[string, unknown]>) => unknown }): unknown
  destroy(): void
  type?: string
}

/** The part of Pyodide a run needs (the worker's and Node's Pyodide both have it). */
export interface PyodideLike {
  runPython(code: string, options?: { globals?: unknown; filename?: string }): unknown
  setInterruptBuffer(buffer: unknown): void
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

const harnesses = new WeakMap<PyodideLike, PyProxyLike>()
/**
 * Each harness's names as setup() left them, kept in a closure only this host holds (no subject
 * frame reaches it), and the call that puts them back.
 */
const rebinders = new WeakMap<PyProxyLike, PyProxyLike>()

/** Python: `make(h)` → `rebind()`, which puts back h's names and a fresh copy of the clean state `_base` (its `known` classes grow by design). */
const MAKE_REBIND = `
def make(h):
    saved = dict(h)
    def copy(base):
        out = {}
        for k, v in base.items():
            if k in ('mods',):
                out[k] = {n: (d, dict(c)) for n, (d, c) in v.items()}
            elif k in ('containers', 'classes'):
                out[k] = [(a, type(b)(b)) for a, b in v]
            elif type(v) in (dict, list):
                out[k] = type(v)(v)
            else:
                out[k] = v
        return out
    base = copy(saved['_base'])
    def rebind():
        h.clear()
        h.update(saved)
        h['_base'] = copy(base)
        h['_state'].clear()
        h['_state'].update(armed=False, inside=False, flags=set(), why=[], code_ns=None, tests_ns=None)
        h['_limits'].clear()
        # What a subject left by poisoning the clean state itself is put back, unflagged: it is not the next subject's.
        h['restore']()
    return rebind
make`

/** Puts the harness's names back as setup() left them: a subject that rebound one from its frames poisons nobody. */
function rebind(h: PyProxyLike): void {
  rebinders.get(h)?.()
}

/**
 * The harness of one interpreter, loaded on first use into a dict only this host holds: `setup()`
 * records the clean state every subject starts from, so call it (through `installHarness`) while
 * warming, before any subject ran.
 */
function harnessOf(py: PyodideLike, keep?: { hidden?: PyProxyLike }): PyProxyLike {
  let h = harnesses.get(py)
  if (!h) {
    h = py.runPython('dict()') as PyProxyLike
    py.runPython(PY_HARNESS, { globals: h, filename: '<harness>' })
    const hidden = (h.get('setup') as PyProxyLike)() as PyProxyLike
    if (keep) keep.hidden = hidden
    else hidden.destroy()
    const make = py.runPython(MAKE_REBIND, {
      globals: py.runPython('dict()'),
      filename: '<harness>',
    }) as PyProxyLike
    rebinders.set(h, make(h) as PyProxyLike)
    make.destroy()
    harnesses.set(py, h)
  }
  return h
}

/** Loads the harness into a fresh Pyodide and records its clean state; call once before the first run. */
export function installHarness(py: PyodideLike): void {
  harnessOf(py)
}

/**
 * Where a harness waits inside a memory snapshot: an attribute of `sys` that setup() did not
 * record, so no subject could ever be handed it; `adoptHarness` removes it before any subject runs.
 */
const STASH = '_codejury_harness'

/**
 * Python: `put(h, rebind, hidden)` leaves the harness in `sys` and gives the host's modules and
 * finders back to the import system (a snapshot's restore imports \`pyodide\` by name);
 * `take()` removes the harness from `sys` and returns it, and reseeds \`random\` from the
 * system's entropy: every interpreter restored from one snapshot would otherwise draw the same
 * numbers as the others, so a subject could predict another's (or its tests').
 */
const STASHING = `
import sys
def put(h, rebind, hidden):
    mods, finders = hidden
    sys.modules.update(mods)
    sys.meta_path[:] = finders
    setattr(sys, '${STASH}', (h, rebind))
def take():
    import random
    random.seed()
    return sys.__dict__.pop('${STASH}', None)
`

/** put/take from STASHING, defined in a private dict. */
function stashing(py: PyodideLike): { put: PyProxyLike; take: PyProxyLike; done(): void } {
  const ns = py.runPython('dict()') as PyProxyLike
  py.runPython(STASHING, { globals: ns, filename: '<harness>' })
  const put = ns.get('put') as PyProxyLike
  const take = ns.get('take') as PyProxyLike
  return { put, take, done: () => [put, take, ns].forEach((p) => p.destroy()) }
}

/**
 * Installs the harness (its clean state recorded) and leaves it, with its rebinder, where
 * `adoptHarness` finds it: call it on a Pyodide that ran no subject, then take the memory
 * snapshot. The snapshot's interpreter still has the host's modules importable (Pyodide's
 * restore needs them); `adoptHarness` hides them again.
 */
export function stashHarness(py: PyodideLike): void {
  if (harnesses.has(py)) throw new Error('the harness must be stashed by the call that installs it')
  const keep: { hidden?: PyProxyLike } = {}
  const h = harnessOf(py, keep)
  const s = stashing(py)
  try {
    s.put(h, rebinders.get(h), keep.hidden)
  } finally {
    keep.hidden?.destroy()
    s.done()
  }
}

/**
 * Takes over the harness `stashHarness` left in an interpreter restored from that snapshot and
 * puts back the clean state setup() recorded (the host's modules hidden again, the harness out
 * of `sys`) before any subject runs. Throws when the snapshot holds no harness.
 */
export function adoptHarness(py: PyodideLike): void {
  if (harnesses.has(py)) throw new Error('this interpreter already has a harness')
  const s = stashing(py)
  let both: PyProxyLike | undefined
  try {
    both = s.take() as PyProxyLike | undefined
  } finally {
    s.done()
  }
  if (!both) throw new Error('the Python snapshot holds no harness')
  const [h, rebinder] = both.toJs({ depth: 1 }) as [PyProxyLike, PyProxyLike]
  both.destroy()
  harnesses.set(py, h)
  rebinders.set(h, rebinder)
  rebind(h)
}

/** An error thrown out of Python, as Pyodide gives it (`type` is the exception class's name). */
function pythonError(e: unknown): { type: string; message: string } | null {
  if (e && typeof e === 'object' && 'type' in e && typeof (e as { type: unknown }).type === 'string') {
    return { type: (e as { type: string }).type, message: String((e as { message?: unknown }).message ?? '') }
  }
  return null
}

/** The line of the tests a traceback last passed through, as `(line N: source)`. */
function testsLine(traceback: string, tests: string): string {
  const found = [...traceback.matchAll(/File "<tests>", line (\d+)/g)].pop()
  if (!found) return ''
  const n = Number(found[1])
  const line = tests.split('\n')[n - 1]
  return line === undefined ? '' : ` (line ${n}: ${line.trim()})`
}

/** The last line of a traceback: `Type: message`. */
function lastLine(traceback: string): string {
  const lines = traceback.trimEnd().split('\n')
  return (lines[lines.length - 1] ?? '').slice(0, 480)
}

/**
 * Runs `req` in the interpreter: the harness puts back a clean state after the subject, and the
 * host calls each case itself, so a case passes only when the host saw its call return (a
 * `test_*`) or its `check` statement end without an exception. Usable in the sandbox worker and
 * in a Node host.
 */
export async function runPython(py: PyodideLike, req: RunRequest, progress: Progress): Promise<RawOutcome> {
  const interrupt = createCaseInterrupt(py)
  const h = harnessOf(py)
  // Every subject starts from the harness as setup() left it, whatever the one before reached.
  rebind(h)
  const proxies: PyProxyLike[] = []
  const keep = <T>(x: T): T => {
    if (x && typeof x === 'function' && 'destroy' in x) proxies.push(x as unknown as PyProxyLike)
    return x
  }
  const fn = (name: string) => keep(h.get(name) as PyProxyLike)
  const flags = new Set<string>()
  const cases: RawCase[] = []
  fn('begin')()
  let ended: { stdout: string; stderr: string; flags: string[] } | null = null
  try {
    const codeError = (fn('load_code')(req.code) as string | undefined) ?? null
    const loaded = keep(fn('load_tests')(req.tests, req.entry_point ?? null) as PyProxyLike)
    const [list, testsError] = loaded.toJs({ depth: 3 }) as [[string, PyProxyLike, number, 'test' | 'check'][], string | undefined]
    list.forEach(([, callable]) => keep(callable))
    const listed = list.slice(0, MAX_CASES)
    const loadError = codeError ?? testsError ?? null
    progress.onCases(listed.map(([name]) => name))
    let checkStopped: string | null = null
    const firstCheck = listed.findIndex(([, , , k]) => k === 'check')
    for (let i = req.from_case ?? 0; i < listed.length; i++) {
      const [name, callable, limit, kind] = listed[i]
      if (codeError) {
        cases.push({ name, status: 'error', message: codeError })
        continue
      }
      if (checkStopped && kind === 'check') {
        cases.push({ name, status: 'error', message: checkStopped })
        continue
      }
      progress.onCase(i, limit)
      if (limit > 0) interrupt.arm(limit)
      const started = performance.now()
      let result: RawCase
      try {
        if (kind === 'test') {
          const exc = keep(fn('call')(callable) as PyProxyLike | undefined)
          const tookMs = performance.now() - started
          if (exc !== undefined) {
            const [status, message] = (keep(fn('describe')(exc, req.tests) as PyProxyLike)).toJs() as ['fail' | 'error', string]
            if (String(message).startsWith('the code exited early')) flags.add('exit')
            result = limit > 0 && (String(message).startsWith('KeyboardInterrupt') || tookMs > limit)
              ? { name, status: 'fail', message: caseLimitMessage(limit) }
              : { name, status, message }
          } else {
            // A long C call is never interrupted; finishing past the limit still fails, as in JS.
            result = limit > 0 && tookMs > limit ? { name, status: 'fail', message: caseLimitMessage(limit) } : { name, status: 'pass' }
          }
        } else {
          const stepped = keep(fn('step')(callable) as PyProxyLike | undefined)
          const [index, exc] = stepped ? (stepped.toJs({ depth: 1 }) as [number, PyProxyLike | undefined]) : [-1, undefined]
          keep(exc)
          if (index !== i - firstCheck) {
            result = { name, status: 'error', message: 'check returned before this statement ran' }
            checkStopped = 'not run: check returned early'
          } else if (exc === undefined) result = { name, status: 'pass' }
          else {
            const [status, message] = (keep(fn('describe')(exc, req.tests) as PyProxyLike)).toJs() as ['fail' | 'error', string]
            if (String(message).startsWith('the code exited early')) flags.add('exit')
            result = { name, status, message }
          }
        }
      } catch (e) {
        const err = pythonError(e)
        if (!err) throw e
        if (!err.message.trim()) {
          // Pyodide printed the traceback to the run's captured stderr and left the message empty.
          const described = keep(fn('describe_last')(req.tests) as PyProxyLike | undefined)
          const said = described ? (described.toJs() as [string, string])[1] : ''
          if (said) err.message = said
        }
        if (err.type === 'KeyboardInterrupt' && limit > 0) result = { name, status: 'fail', message: caseLimitMessage(limit) }
        else if (err.type === 'AssertionError') {
          const said = lastLine(err.message)
          result = { name, status: 'fail', message: `${said === 'AssertionError' ? 'assertion failed' : said}${testsLine(err.message, req.tests)}` }
        } else if (err.type === 'SystemExit') {
          flags.add('exit')
          result = { name, status: 'error', message: 'the code exited early (SystemExit) instead of returning' }
        } else result = { name, status: 'error', message: lastLine(err.message) }
        if (kind === 'check') checkStopped = `not run: check stopped at ${name.split(':')[0]}`
      } finally {
        interrupt.disarm()
      }
      cases.push(result)
      progress.onCaseDone(i, result)
    }
    const end = keep(fn('end')() as PyProxyLike)
    ended = end.toJs({ depth: 2, dict_converter: Object.fromEntries }) as { stdout: string; stderr: string; flags: string[] }
    for (const f of ended.flags) flags.add(f)
    const error = loadError
    return { cases, error, stdout: ended.stdout, stderr: ended.stderr, ...(flags.size ? { flags: [...flags].sort() } : {}) }
  } finally {
    interrupt.disarm()
    // However the run ended, the next subject starts from the clean state.
    if (!ended) {
      try {
        fn('end')()
      } catch {
        // The interpreter itself failed; the host replaces it.
      }
    }
    for (const p of proxies) {
      try {
        p.destroy()
      } catch {
        // Already destroyed (a proxy Pyodide released itself).
      }
    }
  }
}
