/** The JavaScript side of a run inside QuickJS: `test(name, fn)`, `assert`, console capture. */

/**
 * Evaluated first in every fresh QuickJS context. It leaves `test`, `assert`, `console`,
 * `module`, `exports` and `require` in scope, and hands the harness its two entry points as
 * `__cj_cases` and `__cj_case`, which the host takes and deletes before the subject's code runs.
 * `assert.equal` is strict (`===`, with NaN equal to NaN). `__cj_cases` lists `[name, limit_ms]`
 * (0: no limit of its own); a bad option fails loading the tests with a message saying why.
 */
export const JS_PRELUDE = String.raw`
(function () {
  const cases = []
  const out = globalThis.__cj_out
  delete globalThis.__cj_out
  class AssertionError extends Error {
    constructor(message) { super(message); this.name = 'AssertionError' }
  }
  const show = (v) => {
    if (typeof v === 'string') return JSON.stringify(v)
    if (typeof v === 'function') return '[function]'
    try { const s = JSON.stringify(v); return s === undefined ? String(v) : s } catch (e) { return String(v) }
  }
  const same = (a, b) => a === b || (a !== a && b !== b)
  const deepEqual = (a, b, seen) => {
    if (same(a, b)) return true
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
    if (seen.has(a)) return true
    seen.add(a)
    if (a instanceof Map || a instanceof Set) {
      if (a.size !== b.size) return false
      const bs = [...b]
      return [...a].every((x, i) => deepEqual(x, bs[i], seen))
    }
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    if (ka.length !== kb.length) return false
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k], seen))
  }
  globalThis.assert = {
    ok(value, message) {
      if (!value) throw new AssertionError(message || 'expected a truthy value, got ' + show(value))
    },
    equal(actual, expected, message) {
      if (!same(actual, expected)) throw new AssertionError(message || 'expected ' + show(expected) + ', got ' + show(actual))
    },
    deepEqual(actual, expected, message) {
      if (!deepEqual(actual, expected, new Set())) throw new AssertionError(message || 'expected ' + show(expected) + ', got ' + show(actual))
    },
    throws(fn, expected, message) {
      try { fn() } catch (e) {
        if (typeof expected === 'function' && !(e instanceof expected)) throw new AssertionError(message || 'threw ' + String(e) + ', not the expected error')
        if (expected instanceof RegExp && !expected.test(String(e && e.message))) throw new AssertionError(message || 'threw ' + String(e) + ', which does not match ' + String(expected))
        return
      }
      throw new AssertionError(typeof expected === 'string' ? expected : message || 'expected the function to throw')
    },
  }
  const limitOf = (options) => {
    if (options === undefined || options === null) return 0
    if (typeof options !== 'object') throw new TypeError('test options must be an object such as { timeout_ms: 50 }')
    for (const key of Object.keys(options)) {
      if (key !== 'timeout_ms') throw new TypeError('unknown test option ' + JSON.stringify(key) + ' (the one option is timeout_ms)')
    }
    const ms = options.timeout_ms
    if (ms === undefined) return 0
    if (typeof ms !== 'number' || !(ms >= 1) || !(ms <= 60000)) throw new TypeError('timeout_ms must be a number of milliseconds from 1 to 60000')
    return ms
  }
  // test(name, fn), test(name, fn, { timeout_ms }) or, as node:test orders it, test(name, { timeout_ms }, fn).
  globalThis.test = (name, a, b) => {
    const fn = typeof a === 'function' ? a : b
    const options = typeof a === 'function' ? b : a
    if (typeof fn !== 'function') throw new TypeError('test(name, fn) needs a function')
    cases.push([String(name), fn, limitOf(options)])
  }
  const fmt = (v) => (typeof v === 'string' ? v : show(v))
  const line = (stream) => (...args) => { out(stream, args.map(fmt).join(' ')) }
  globalThis.console = { log: line(0), info: line(0), debug: line(0), warn: line(1), error: line(1) }
  globalThis.module = { exports: {} }
  globalThis.exports = globalThis.module.exports
  globalThis.require = (path) => {
    if (typeof path === 'string' && path.startsWith('.')) return globalThis.module.exports
    throw new Error('require(' + JSON.stringify(path) + '): no modules are available in the sandbox')
  }
  const describe = (e) => {
    const failed = e instanceof AssertionError
    const text = e instanceof Error ? e.name + ': ' + e.message : 'thrown: ' + show(e)
    return { status: failed ? 'fail' : 'error', message: failed ? e.message : text }
  }
  globalThis.__cj_cases = () => JSON.stringify(cases.map((c) => [c[0], c[2]]))
  globalThis.__cj_case = (i) => {
    let settled = null
    try {
      const r = cases[i][1]()
      if (r && typeof r.then === 'function') {
        r.then(() => { settled = { status: 'pass' } }, (e) => { settled = describe(e) })
        return () => JSON.stringify(settled)
      }
      settled = { status: 'pass' }
    } catch (e) {
      settled = describe(e)
    }
    return () => JSON.stringify(settled)
  }
})()
`
