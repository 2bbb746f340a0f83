/** The Python side of a run: a private harness the host drives step by step, out of the subject's reach. */

/**
 * Evaluated once per interpreter into a dict only the host holds (never a module, never a global
 * the subject can name). `setup()` runs once: it imports the common standard library, disarms
 * `os._exit`, installs the audit hook and records the clean state. Then, per subject, the host
 * calls `begin()`, `load_code(code)`, `load_tests(tests, entry_point)` → the cases, calls each
 * case itself (a `test_*` function, or `step(gen)` on a HumanEval `check(candidate)` turned into
 * a generator that yields `(index, exception or None)` after each of its assert statements), asks
 * `describe(exc)` for a message, and ends with `end()` → `{stdout, stderr, flags}`, which probes
 * for always-equal classes and puts back every module attribute, class attribute, registry and
 * builtin the subject changed, so the next subject starts from the same clean state.
 *
 * The subject's code and the tests run in separate namespaces: the tests see the subject's names
 * (never one that shadows a builtin, `time_limit`, `check` or a `test_*`), the harness's own
 * `time_limit`, and a copy of the builtins taken before any subject ran. The audit hook, armed from
 * `begin()` to `end()`, refuses what would reach the host or the next subject from code that is not
 * the standard library's (importing `js`/`pyodide`, listing objects through `gc`, replacing a
 * function's `__code__`, adding audit hooks, writing files) and records what it cannot refuse as
 * flags: `frame-introspection` (reading frames, a traceback's frame, a code object), `harness`
 * (patching the standard library or the builtins, the refused calls above), `exit`.
 */
import { PY_CLEAN_STATE } from './pyCleanState'
import { PY_GUARD } from './pyGuard'

/** The case runner: begin, load the code and the tests, call, describe, end. */
const PY_RUNNER = String.raw`
def begin():
    _state.clear()
    _state.update(armed=False, inside=False, flags=set(), why=[], code_ns=None, tests_ns=None)
    _limits.clear()
    _state['out'] = io.StringIO()
    _state['err'] = io.StringIO()
    sys.stdout, sys.stderr = _state['out'], _state['err']
    _state['armed'] = True

def _short(text, limit=480):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + '…'

def _exited(e):
    _flag('exit', 'exit')
    return _short('the code exited early (' + type(e).__name__ + ') instead of returning')

def load_code(code):
    '''Runs the subject's code in its own namespace; a message when it could not load, else None.'''
    ns = {'__name__': '__main__', '__builtins__': dict(_base['builtins'])}
    _state['code_ns'] = ns
    try:
        exec(compile(code, '<code>', 'exec'), ns)
    except SyntaxError as e:
        return _short(f'SyntaxError in the code: {e.msg} (line {e.lineno})')
    except SystemExit as e:
        return _exited(e)
    except BaseException as e:
        return _short(f'{type(e).__name__} while loading the code: {e}')
    finally:
        for name in restore(keep_imports=True):
            _flag('harness', 'patched ' + name)
    return None

def time_limit(ms):
    '''@time_limit(ms) on a test: the case fails if it runs longer than ms milliseconds.'''
    if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 1 <= ms <= 60000:
        raise ValueError('time_limit(ms) takes a number of milliseconds from 1 to 60000, as in @time_limit(50)')
    def mark(fn):
        _limits[fn] = ms
        return fn
    return mark

def _contains_assert(node):
    return any(isinstance(n, ast.Assert) for n in ast.walk(node))

def _check_cases(tree, lines):
    '''Turns a module-level check(candidate) into a generator: one case per top-level statement holding an assert.'''
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == 'check' and node.args.args:
            break
    else:
        return None, []
    names = []
    body = []
    for stmt in node.body:
        if not _contains_assert(stmt):
            body.append(stmt)
            continue
        index = len(names)
        line = lines[stmt.lineno - 1].strip() if 0 < stmt.lineno <= len(lines) else ''
        names.append(_short(f'check line {stmt.lineno}: {line}', 200))
        guard = ast.parse(f'try:\n    pass\nexcept BaseException as _e:\n    yield ({index}, _e)\nelse:\n    yield ({index}, None)\n').body[0]
        guard.body = [stmt]
        body.append(guard)
    if not names:
        return None, []
    node.body = body
    for n in ast.walk(node):
        for field in ('lineno', 'col_offset', 'end_lineno', 'end_col_offset'):
            if field in n._attributes and not hasattr(n, field):
                setattr(n, field, getattr(node, field, 1))
    ast.fix_missing_locations(node)
    return node, names

def load_tests(tests, entry_point):
    '''Runs the tests in their own namespace; returns (cases, error): cases are [name, callable, limit_ms, kind].'''
    code_ns = _state['code_ns'] or {}
    skip = set(_base['builtins']) | {'time_limit', 'check'}
    ns = {'__name__': '__main__', '__builtins__': {**_base['builtins'], 'time_limit': time_limit}}
    for name, value in code_ns.items():
        if name.startswith('__') or name.startswith('test_') or (name in skip and name != entry_point):
            continue
        ns[name] = value
    _state['tests_ns'] = ns
    try:
        tree = ast.parse(tests, '<tests>')
    except SyntaxError as e:
        return [], _short(f'SyntaxError in the tests: {e.msg} (line {e.lineno})')
    check, check_names = _check_cases(tree, tests.splitlines())
    try:
        module = compile(tree, '<tests>', 'exec')
    except SyntaxError as e:
        return [], _short(f'SyntaxError in the tests: {e.msg} (line {e.lineno})')
    ours = {id(c) for c in module.co_consts if isinstance(c, types.CodeType)}
    error = None
    try:
        exec(module, ns)
    except SystemExit as e:
        error = _exited(e)
    except BaseException as e:
        error = _short(f'{type(e).__name__} while loading the tests: {e}')
    cases = []
    for name, fn in list(ns.items()):
        if name.startswith('test_') and isinstance(fn, types.FunctionType) and id(fn.__code__) in ours:
            limit = _limits.get(fn, 0)
            cases.append([name, fn, limit, 'test'])
    if check is not None and error is None:
        fn = ns.get('check')
        target = code_ns.get(entry_point) if entry_point else None
        if not isinstance(fn, types.FunctionType) or id(fn.__code__) not in ours:
            error = 'the tests define check(candidate) but it was replaced while they loaded'
        elif target is None:
            error = ('no tests found: the tests define check(candidate), but ' +
                     (f'the code defines no {entry_point}' if entry_point else 'the task names no entry point to call it with'))
        else:
            gen = fn(target)
            cases.extend([n, gen, 0, 'check'] for n in check_names)
    if not cases and error is None:
        error = 'no tests found: the tests define no test_* function and no check(candidate)'
    return cases[:200], error

def code_of(fn):
    return fn.__code__

def _event_loop():
    '''A private asyncio loop that runs inside the case's own call: no selector, no JS promises;
    when nothing is ready it sleeps until the next timer (a case's limit still interrupts it).'''
    import asyncio, time

    class _NoSelector:
        def select(self, timeout=None):
            if timeout:
                time.sleep(min(timeout, 1.0))
            return []

        def close(self):
            pass

    class _Loop(asyncio.BaseEventLoop):
        def __init__(self):
            super().__init__()
            self._selector = _NoSelector()

        def _process_events(self, event_list):
            pass

        def _write_to_self(self):
            pass

    return _Loop()

def drive(coro):
    '''Runs an async test to its end on a fresh private event loop (asyncio.sleep, gather, tasks).'''
    import asyncio
    loop = _event_loop()
    # Pyodide marks its browser loop as always running; the case's loop takes its place meanwhile.
    outer = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()
        asyncio.events._set_running_loop(outer)

def call(fn):
    '''Calls one test_* case: None when it returned, else the exception it raised (the host decides).'''
    try:
        result = fn()
        if isinstance(result, types.CoroutineType):
            drive(result)
    except BaseException as e:
        return e
    return None

def step(gen):
    '''The next check case: (index, exception or None), or None once check returned.'''
    try:
        return next(gen)
    except StopIteration:
        return None

def _line(tb, source):
    lines = source.splitlines()
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == '<tests>' and 0 < tb.tb_lineno <= len(lines):
            found = (tb.tb_lineno, lines[tb.tb_lineno - 1].strip())
        tb = tb.tb_next
    return found

def describe(err, tests):
    '''A case's outcome from its exception: [status, message]; the host decides, this only words it.'''
    if isinstance(err, AssertionError):
        where = _line(err.__traceback__, tests)
        try:
            said = str(err)
        except BaseException:
            said = ''
        at = f' (line {where[0]}: {where[1]})' if where else ''
        return ['fail', _short(f'AssertionError: {said}{at}' if said else f'assertion failed{at}')]
    if isinstance(err, SystemExit):
        return ['error', _exited(err)]
    try:
        text = f'{type(err).__name__}: {err}'
    except BaseException:
        text = type(err).__name__
    return ['error', _short(text)]

def describe_last(tests):
    '''describe() of the exception a host call just raised: Pyodide prints its traceback to the
    captured stderr and gives the host an empty message while a run has stderr captured.'''
    err = getattr(sys, 'last_exc', None) or getattr(sys, 'last_value', None)
    return None if err is None else describe(err, tests)

def _always_equal(cls):
    for name in ('__eq__', '__ne__'):
        fn = None
        for base in cls.__mro__:
            if name in base.__dict__:
                fn = base.__dict__[name]
                break
        if fn is None or not callable(fn) or base in (object, int, float, str, bytes, list, tuple, dict, set, frozenset, bool, complex):
            continue
        for probe in (object(), 12345, 'codejury', ()):
            try:
                said = fn(None, probe)
            except BaseException:
                continue
            if said is NotImplemented:
                continue
            if (name == '__eq__' and said is True) or (name == '__ne__' and said is False):
                return True
    return False

def end():
    '''Ends the subject: always-equal classes flagged, everything it changed put back, output and flags returned.'''
    _state['armed'] = False
    out, err = _state['out'].getvalue(), _state['err'].getvalue()
    try:
        known = _base['known']
        for s in _all_classes():
            if id(s) not in known:
                known.add(id(s))
                if _always_equal(s):
                    _flag('eq-override', s.__qualname__)
    except BaseException:
        pass
    for name in restore():
        _flag('harness', 'patched ' + name)
    _state['code_ns'] = None
    _state['tests_ns'] = None
    _limits.clear()
    return {'stdout': out, 'stderr': err, 'flags': sorted(_state['flags']), 'why': list(_state['why'])}
`

export const PY_HARNESS = PY_GUARD + PY_CLEAN_STATE + PY_RUNNER
