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
export const PY_HARNESS = String.raw`
import sys, io, ast, builtins, types, os, gc
from operator import is_ as _is

_STD = (sys.prefix + '/lib', '/lib/python', '<frozen')
_COMMON = ('collections', 'heapq', 'bisect', 'itertools', 'functools', 'math', 're', 'json', 'string',
           'typing', 'random', 'copy', 'operator')
_HIDDEN = ('js', 'pyodide', 'pyodide_js', '_pyodide', '_pyodide_core')
_WRITES = frozenset(('os.remove', 'os.rename', 'os.mkdir', 'os.rmdir', 'os.symlink', 'os.link', 'os.truncate',
                     'os.chmod', 'os.chown', 'os.utime', 'shutil.rmtree', 'shutil.move', 'os.putenv', 'os.unsetenv', 'os.chdir'))
_FRAMEY = frozenset(('f_code', 'f_back', 'tb_frame', 'gi_frame', 'cr_frame', 'ag_frame', 'gi_code', 'cr_code', 'f_globals', 'f_locals'))
_state = {'armed': False, 'inside': False, 'flags': set(), 'why': []}
_limits = {}
_base = {}

def _same(d, saved):
    '''Whether a dict (or list) still holds exactly the saved objects, in C speed, calling no __eq__.'''
    if len(d) != len(saved):
        return False
    if type(d) is dict:
        return all(map(_is, d.values(), saved.values())) and all(map(_is, d, saved))
    return all(map(_is, d, saved))

class _Refused(RuntimeError):
    pass

def _subject_frame(depth, through_imports=True):
    '''The first frame below the hook that is not the import machinery; None when it is the standard library's or the harness's.'''
    f = sys._getframe(depth)
    while through_imports and f is not None and f.f_code.co_filename.startswith('<frozen'):
        f = f.f_back
    if f is None:
        return None
    name = f.f_code.co_filename
    if name == '<harness>' or name.startswith(_STD) or name.startswith(sys.prefix):
        return None
    return f

def _importing(name):
    '''Whether the import system is compiling a standard module it found (import datetime):
    the compile's caller is the loader's source_to_code, called by its get_code.'''
    if not name.startswith(_STD[:2]):
        return False
    f = sys._getframe(2)  # 0: here, 1: the hook, 2: what called compile
    g = f.f_back if f is not None else None
    return (f is not None and g is not None and f.f_code.co_filename.startswith('<frozen') and g.f_code.co_filename.startswith('<frozen')
            and f.f_code.co_name in ('source_to_code', '_compile_source') and g.f_code.co_name in ('get_code', '_get_module_code'))

def _flag(flag, why):
    _state['flags'].add(flag)
    if len(_state['why']) < 8:
        _state['why'].append(why)

def _hook(event, args):
    if not _state['armed'] or _state['inside']:
        return
    _state['inside'] = True
    try:
        if event == 'import':
            root = str(args[0]).split('.')[0]
            if root in _HIDDEN and _subject_frame(2) is not None:
                _flag('harness', 'imported ' + root)
                raise _Refused('the module ' + root + ' is not available to code under test')
        elif event in ('gc.get_objects', 'gc.get_referrers', 'gc.get_referents', 'sys.addaudithook', 'sys._current_frames', 'sys.settrace', 'sys.setprofile', 'sys._current_exceptions'):
            if _subject_frame(2) is not None:
                _flag('harness' if not event.startswith('sys._current') else 'frame-introspection', event)
                raise _Refused(event + ' is not available to code under test')
        elif event == 'object.__setattr__':
            if len(args) > 1 and args[1] in ('__code__', '__globals__', '__defaults__', '__kwdefaults__', '__closure__') and _subject_frame(2) is not None:
                _flag('harness', 'replaced a function ' + str(args[1]))
                raise _Refused('replacing a function ' + str(args[1]) + ' is not allowed in the sandbox')
        elif event == 'sys._getframe':
            f = args[0] if args else None
            if _subject_frame(2) is not None or (f is not None and f.f_code.co_filename in ('<tests>', '<harness>')):
                _flag('frame-introspection', 'sys._getframe')
        elif event == 'object.__getattr__':
            if len(args) > 1 and args[1] in _FRAMEY and _subject_frame(2) is not None:
                _flag('frame-introspection', 'read ' + str(args[1]))
        elif event == 'compile':
            name = str(args[1]) if len(args) > 1 else ''
            # Only a direct call: the import machinery compiles the standard library for the subject.
            if (name in ('<tests>', '<harness>') or name.startswith(_STD)) and not _importing(name) and _subject_frame(2, False) is not None:
                _flag('harness', 'compiled code under the name ' + name)
        elif event == 'open':
            mode = args[1] if len(args) > 1 else 'r'
            flags = args[2] if len(args) > 2 else 0
            writes = (isinstance(mode, str) and any(c in mode for c in 'wax+')) or (isinstance(flags, int) and flags & 3)
            if writes and _subject_frame(2) is not None:
                raise _Refused('writing files is not allowed in the sandbox')
        elif event in _WRITES:
            if _subject_frame(2) is not None:
                raise _Refused(event + ' is not allowed in the sandbox')
    finally:
        _state['inside'] = False

def _exit(*_):
    raise SystemExit('os._exit')

def _classes():
    seen = set()
    todo = [object]
    while todo:
        c = todo.pop()
        try:
            subs = type.__subclasses__(c)
        except TypeError:
            continue
        for s in subs:
            if id(s) not in seen:
                seen.add(id(s))
                todo.append(s)
    return seen

def _is_mutable_class(c):
    return isinstance(c, type) and not (c.__flags__ & (1 << 8))

def setup():
    '''Once per interpreter: the clean state every subject starts from; returns the host's modules and finders it hid.'''
    for name in _COMMON:
        try:
            __import__(name)
        except ImportError:
            pass
    os._exit = _exit
    try:
        import posix
        posix._exit = _exit
    except ImportError:
        pass
    # The host's bridges are not the subject's: out of sys.modules and the import path, an import
    # goes through the audit hook, which refuses it to code that is not the standard library's.
    hidden = {n: m for n, m in sys.modules.items() if n.split('.')[0] in _HIDDEN}
    for name in hidden:
        del sys.modules[name]
    finders = list(sys.meta_path)
    sys.meta_path[:] = [f for f in finders if type(f).__module__.split('.')[0] not in _HIDDEN]
    _base['builtins'] = dict(builtins.__dict__)
    _base['modules'] = dict(sys.modules)
    mods = {}
    containers = {}
    classes = {}
    for name, mod in list(sys.modules.items()):
        d = getattr(mod, '__dict__', None)
        if not isinstance(d, dict):
            continue
        mods[name] = (d, dict(d))
        for key, value in list(d.items()):
            if type(value) is dict and value is not d and value is not sys.modules:
                containers[id(value)] = (value, dict(value))
            elif type(value) is list:
                containers[id(value)] = (value, list(value))
            elif _is_mutable_class(value) and id(value) not in classes:
                classes[id(value)] = (value, dict(value.__dict__))
    _base['mods'] = mods
    _base['containers'] = list(containers.values())
    _base['classes'] = list(classes.values())
    _base['environ'] = dict(os.environ)
    _base['cwd'] = os.getcwd()
    _base['recursion'] = sys.getrecursionlimit()
    _base['stdout'] = (sys.stdout, sys.stderr, sys.displayhook, sys.excepthook)
    _base['known'] = _classes()
    sys.addaudithook(_hook)
    # Handed to the host only (never kept here): what a snapshot's restore needs back until restore() hides it again.
    return hidden, finders

def restore(keep_imports=False):
    '''Puts back what a subject changed; returns the names of what was patched (module and class attributes).
    With keep_imports (between the subject's code and its tests) the modules the subject imported stay
    loaded, so the tests share them; they are dropped once the subject's tests finished, in end().'''
    changed = []
    now = sys.modules
    if not keep_imports:
        for name in [n for n in now if n not in _base['modules']]:
            del now[name]
    for name, mod in _base['modules'].items():
        if now.get(name) is not mod:
            now[name] = mod
            changed.append('sys.modules[' + name + ']')
    for name, (d, saved) in _base['mods'].items():
        if not _same(d, saved):
            keys = [k for k in d if k not in saved] + [k for k, v in saved.items() if d.get(k, _exit) is not v]
            if name not in ('__main__', 'sys'):
                changed.extend(name + '.' + str(k) for k in keys[:3])
            d.clear()
            d.update(saved)
    for value, saved in _base['containers']:
        if _same(value, saved):
            continue
        if type(value) is dict:
            value.clear()
            value.update(saved)
        else:
            value[:] = saved
    for cls, saved in _base['classes']:
        d = cls.__dict__
        if not (len(d) == len(saved) and all(map(_is, d.values(), saved.values()))):
            changed.append(cls.__module__ + '.' + cls.__qualname__)
            for k in [k for k in d if k not in saved]:
                try:
                    type.__delattr__(cls, k)
                except (AttributeError, TypeError):
                    pass
            for k, v in saved.items():
                if d.get(k, _exit) is not v:
                    try:
                        type.__setattr__(cls, k, v)
                    except (AttributeError, TypeError):
                        pass
    bd = builtins.__dict__
    if not _same(bd, _base['builtins']):
        changed.append('builtins')
        bd.clear()
        bd.update(_base['builtins'])
    if dict(os.environ) != _base['environ']:
        os.environ.clear()
        os.environ.update(_base['environ'])
    if os.getcwd() != _base['cwd']:
        os.chdir(_base['cwd'])
    sys.setrecursionlimit(_base['recursion'])
    sys.stdout, sys.stderr, sys.displayhook, sys.excepthook = _base['stdout']
    if _state['armed']:
        sys.stdout, sys.stderr = _state['out'], _state['err']
    sys.settrace(None)
    sys.setprofile(None)
    if not gc.isenabled():
        gc.enable()
    return changed

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
        seen = set()
        todo = [object]
        while todo:
            c = todo.pop()
            try:
                subs = type.__subclasses__(c)
            except TypeError:
                continue
            for s in subs:
                if id(s) in seen:
                    continue
                seen.add(id(s))
                todo.append(s)
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
