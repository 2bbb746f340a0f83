/** The JavaScript side of a run inside QuickJS: `assert` built from untouched intrinsics, console capture, tamper checks. */

/**
 * Evaluated first in every fresh QuickJS context, before the subject's code. It leaves `console`,
 * `module`, `exports` and `require` in scope and hands the host three functions as globals, which
 * the host takes and deletes before the subject's code runs (so the subject never sees them):
 * - `__cj_assert()` makes the `assert` object the tests receive as a parameter (never a global),
 *   built only from intrinsics captured here, so a subject that replaces `JSON.stringify`,
 *   `Object.keys` or a prototype's methods cannot change what it decides;
 * - `__cj_restore()` puts back every intrinsic the subject replaced or added (the standard globals,
 *   their prototypes and `Object.prototype`), returning the names of what it had to put back;
 * - `__cj_limit(options)` reads a test's `{ timeout_ms }` option, throwing a message saying why a
 *   bad one is refused.
 * `assert.equal` is strict (`===`, with NaN equal to NaN).
 */
export const JS_PRELUDE = String.raw`
(function () {
  const out = globalThis.__cj_out
  delete globalThis.__cj_out
  const { apply, ownKeys, getOwnPropertyDescriptor: describeProp, defineProperty: define, deleteProperty } = Reflect
  const { keys, getPrototypeOf, freeze, is } = Object
  const hasOwn = Object.prototype.hasOwnProperty
  const stringify = JSON.stringify
  const toText = String
  const SetCtor = Set
  const setAdd = Set.prototype.add
  const setHas = Set.prototype.has
  const mapEntries = Map.prototype.entries
  const setValues = Set.prototype.values
  const mapNext = getPrototypeOf(new Map().entries()).next
  const setNext = getPrototypeOf(new Set().values()).next
  const MapProto = Map.prototype
  const SetProto = Set.prototype
  const ErrorCtor = Error
  const isArray = Array.isArray
  const regexTest = RegExp.prototype.test

  // Every property of the standard globals and their prototypes, as it was before the subject ran.
  const saved = []
  const owners = []
  const named = (owner, key) => owner + '.' + (typeof key === 'symbol' ? '[' + toText(key.description) + ']' : key)
  const remember = (obj, name) => {
    if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null) return
    const ks = ownKeys(obj)
    owners[owners.length] = [obj, name, new SetCtor(ks)]
    for (let i = 0; i < ks.length; i++) saved[saved.length] = [obj, ks[i], describeProp(obj, ks[i]), named(name, ks[i])]
  }
  const STANDARD = ['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Error', 'TypeError', 'RangeError',
    'SyntaxError', 'ReferenceError', 'Math', 'JSON', 'Reflect', 'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'Date',
    'BigInt', 'Proxy', 'ArrayBuffer', 'DataView', 'Uint8Array', 'Int32Array', 'Float64Array', 'parseInt', 'parseFloat', 'isNaN', 'isFinite']
  const seenProto = new SetCtor()
  for (let i = 0; i < STANDARD.length; i++) {
    const name = STANDARD[i]
    const value = globalThis[name]
    remember(value, name)
    if (typeof value === 'function' && value.prototype && !apply(setHas, seenProto, [value.prototype])) {
      apply(setAdd, seenProto, [value.prototype])
      remember(value.prototype, name + '.prototype')
    }
  }
  remember(getPrototypeOf(function* () {}).prototype, 'Generator.prototype')
  remember(getPrototypeOf([][Symbol.iterator]()), 'ArrayIterator.prototype')
  remember(getPrototypeOf(new Map().entries()), 'MapIterator.prototype')
  remember(getPrototypeOf(new Set().values()), 'SetIterator.prototype')
  const globals = []
  for (let i = 0; i < STANDARD.length; i++) globals[i] = [STANDARD[i], describeProp(globalThis, STANDARD[i])]

  const same = (a, b) => (a === undefined && b === undefined) || (a !== undefined && b !== undefined &&
    is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable)
  globalThis.__cj_restore = () => {
    const changed = []
    for (let i = 0; i < globals.length; i++) {
      const [name, d] = globals[i]
      if (!same(describeProp(globalThis, name), d)) {
        changed[changed.length] = name
        try { define(globalThis, name, d) } catch (e) {}
      }
    }
    for (let i = 0; i < saved.length; i++) {
      const [obj, key, d, name] = saved[i]
      if (!same(describeProp(obj, key), d)) {
        changed[changed.length] = name
        try { define(obj, key, d) } catch (e) {}
      }
    }
    for (let i = 0; i < owners.length; i++) {
      const [obj, name, had] = owners[i]
      const now = ownKeys(obj)
      for (let j = 0; j < now.length; j++) {
        if (apply(setHas, had, [now[j]])) continue
        changed[changed.length] = named(name, now[j])
        try { deleteProperty(obj, now[j]) } catch (e) {}
      }
    }
    return stringify(changed.length > 8 ? [changed[0], changed[1], changed[2], changed[3], changed[4], changed[5], changed[6], changed[7]] : changed)
  }

  class AssertionError extends ErrorCtor {
    constructor(message) { super(message); this.name = 'AssertionError' }
  }
  const show = (v) => {
    if (typeof v === 'string') return stringify(v)
    if (typeof v === 'function') return '[function]'
    try { const s = stringify(v); return s === undefined ? toText(v) : s } catch (e) { return '[value]' }
  }
  const sameValue = (a, b) => a === b || (a !== a && b !== b)
  const listOf = (iterator, next) => {
    const items = []
    for (let step = apply(next, iterator, []); !step.done; step = apply(next, iterator, [])) items[items.length] = step.value
    return items
  }
  const deepEqual = (a, b, seen) => {
    if (sameValue(a, b)) return true
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
    const proto = getPrototypeOf(a)
    if (proto !== getPrototypeOf(b)) return false
    if (apply(setHas, seen, [a])) return true
    apply(setAdd, seen, [a])
    if (proto === MapProto || proto === SetProto) {
      const xs = proto === MapProto ? listOf(apply(mapEntries, a, []), mapNext) : listOf(apply(setValues, a, []), setNext)
      const ys = proto === MapProto ? listOf(apply(mapEntries, b, []), mapNext) : listOf(apply(setValues, b, []), setNext)
      if (xs.length !== ys.length) return false
      for (let i = 0; i < xs.length; i++) if (!deepEqual(xs[i], ys[i], seen)) return false
      return true
    }
    if (isArray(a) !== isArray(b)) return false
    const ka = keys(a)
    const kb = keys(b)
    if (ka.length !== kb.length) return false
    for (let i = 0; i < ka.length; i++) {
      if (!apply(hasOwn, b, [ka[i]]) || !deepEqual(a[ka[i]], b[ka[i]], seen)) return false
    }
    return true
  }
  globalThis.__cj_assert = () => freeze({
    ok(value, message) {
      if (!value) throw new AssertionError(message || 'expected a truthy value, got ' + show(value))
    },
    equal(actual, expected, message) {
      if (!sameValue(actual, expected)) throw new AssertionError(message || 'expected ' + show(expected) + ', got ' + show(actual))
    },
    deepEqual(actual, expected, message) {
      if (!deepEqual(actual, expected, new SetCtor())) throw new AssertionError(message || 'expected ' + show(expected) + ', got ' + show(actual))
    },
    throws(fn, expected, message) {
      try { fn() } catch (e) {
        if (typeof expected === 'function' && !(e instanceof expected)) throw new AssertionError(message || 'threw ' + show(e && e.message) + ', not the expected error')
        if (expected !== null && typeof expected === 'object' && getPrototypeOf(expected) === RegExp.prototype && !apply(regexTest, expected, [toText(e && e.message)])) {
          throw new AssertionError(message || 'threw ' + show(e && e.message) + ', which does not match ' + toText(expected))
        }
        return
      }
      throw new AssertionError(typeof expected === 'string' ? expected : message || 'expected the function to throw')
    },
  })
  globalThis.__cj_limit = (options) => {
    if (options === undefined || options === null) return 0
    if (typeof options !== 'object') throw new TypeError('test options must be an object such as { timeout_ms: 50 }')
    const ks = keys(options)
    for (let i = 0; i < ks.length; i++) {
      if (ks[i] !== 'timeout_ms') throw new TypeError('unknown test option ' + stringify(ks[i]) + ' (the one option is timeout_ms)')
    }
    const ms = apply(hasOwn, options, ['timeout_ms']) ? options.timeout_ms : undefined
    if (ms === undefined) return 0
    if (typeof ms !== 'number' || !(ms >= 1) || !(ms <= 60000)) throw new TypeError('timeout_ms must be a number of milliseconds from 1 to 60000')
    return ms
  }
  const fmt = (v) => (typeof v === 'string' ? v : show(v))
  const line = (stream) => (...args) => {
    let text = ''
    for (let i = 0; i < args.length; i++) text += (i ? ' ' : '') + fmt(args[i])
    out(stream, text)
  }
  globalThis.console = { log: line(0), info: line(0), debug: line(0), warn: line(1), error: line(1) }
  globalThis.module = { exports: {} }
  globalThis.exports = globalThis.module.exports
  globalThis.require = (path) => {
    if (typeof path === 'string' && path.startsWith('.')) return globalThis.module.exports
    throw new Error('require(' + stringify(path) + '): no modules are available in the sandbox')
  }
})()
`
