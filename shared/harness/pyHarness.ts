/** The Python side of a run: evaluates the subject, then the tests, and runs every `test_*` case. */

/**
 * Defines `_codejury_run(code, tests, report, start)`. Each subject gets a fresh namespace whose
 * builtins add `time_limit`; stdout and stderr are captured; a bare failed `assert` is described
 * by its source line, since the tests' author wants to know which check failed. `report(kind,
 * json)` streams progress to the frame: `case` [index, limit_ms] arms the worker's interrupt for
 * a limited case (a KeyboardInterrupt raised at its deadline), `case_done` [index, result]
 * disarms it. `start` skips the cases before it (a subject resumed on a fresh worker).
 */
export const PY_HARNESS = String.raw`
import sys, io, json, inspect, traceback, builtins, time

def time_limit(ms):
    '''@time_limit(ms) on a test: the case fails if it runs longer than ms milliseconds.'''
    if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 1 <= ms <= 60000:
        raise ValueError('time_limit(ms) takes a number of milliseconds from 1 to 60000, as in @time_limit(50)')
    def mark(fn):
        fn._codejury_limit_ms = ms
        return fn
    return mark

def _cj_limit_of(fn):
    limit = getattr(fn, '_codejury_limit_ms', 0)
    return limit if isinstance(limit, (int, float)) and not isinstance(limit, bool) and 1 <= limit <= 60000 else 0

async def _cj_case(name, fn, limit, tests):
    started = time.perf_counter()
    try:
        result = fn()
        if inspect.isawaitable(result):
            await result
        # A long C call is never interrupted; finishing past the limit still fails, as in JS.
        if limit and (time.perf_counter() - started) * 1000 > limit:
            return {'name': name, 'status': 'fail', 'message': f'exceeded its {limit:g} ms limit'}
        return {'name': name, 'status': 'pass'}
    except AssertionError as e:
        return {'name': name, 'status': 'fail', 'message': _cj_describe(e, tests)}
    except KeyboardInterrupt as e:
        # Only the worker raises it, and only at a limited case's deadline.
        if limit:
            return {'name': name, 'status': 'fail', 'message': f'exceeded its {limit:g} ms limit'}
        return {'name': name, 'status': 'error', 'message': _cj_describe(e, tests)}
    except BaseException as e:
        return {'name': name, 'status': 'error', 'message': _cj_describe(e, tests)}

def _cj_short(text, limit=480):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + '…'

def _cj_line(tb, filename, source):
    lines = source.splitlines()
    for frame in reversed(traceback.extract_tb(tb)):
        if frame.filename == filename and frame.lineno and 0 < frame.lineno <= len(lines):
            return frame.lineno, lines[frame.lineno - 1].strip()
    return None, ''

def _cj_describe(err, tests):
    if isinstance(err, AssertionError):
        lineno, line = _cj_line(err.__traceback__, '<tests>', tests)
        said = str(err)
        where = f' (line {lineno}: {line})' if lineno else ''
        return _cj_short(f'AssertionError: {said}{where}' if said else f'assertion failed{where}')
    return _cj_short(f'{type(err).__name__}: {err}')

async def _codejury_run(code, tests, report, start=0):
    ns = {'__name__': '__main__', '__builtins__': {**builtins.__dict__, 'time_limit': time_limit}}
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    load_error = None
    cases = []
    try:
        try:
            exec(compile(code, '<code>', 'exec'), ns)
        except SyntaxError as e:
            load_error = _cj_short(f'SyntaxError in the code: {e.msg} (line {e.lineno})')
        except BaseException as e:
            load_error = _cj_short(f'{type(e).__name__} while loading the code: {e}')
        try:
            exec(compile(tests, '<tests>', 'exec'), ns)
        except SyntaxError as e:
            load_error = load_error or _cj_short(f'SyntaxError in the tests: {e.msg} (line {e.lineno})')
        except BaseException as e:
            load_error = load_error or _cj_short(f'{type(e).__name__} while loading the tests: {e}')
        found = [
            (name, fn) for name, fn in list(ns.items())
            if name.startswith('test_') and inspect.isfunction(fn) and fn.__code__.co_filename == '<tests>'
        ][:200]
        report('cases', json.dumps([name for name, _ in found]))
        for index, (name, fn) in enumerate(found):
            if index < start:
                continue
            if load_error:
                cases.append({'name': name, 'status': 'error', 'message': load_error})
                continue
            limit = _cj_limit_of(fn)
            report('case', json.dumps([index, limit]))
            try:
                outcome = await _cj_case(name, fn, limit, tests)
                done = json.dumps([index, outcome])
            except KeyboardInterrupt:
                # The deadline fell between the case's end and here: it still took too long.
                outcome = {'name': name, 'status': 'fail', 'message': f'exceeded its {limit:g} ms limit'}
                done = json.dumps([index, outcome])
            report('case_done', done)
            cases.append(outcome)
    finally:
        sys.stdout, sys.stderr = saved
    if not cases and not load_error:
        load_error = 'the tests define no test_* function'
    return json.dumps({'cases': cases, 'error': load_error, 'stdout': out.getvalue(), 'stderr': err.getvalue()})
`
