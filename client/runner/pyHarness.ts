/** The Python side of a run: evaluates the subject, then the tests, and runs every `test_*` case. */

/**
 * Defines `_codejury_run(code, tests, report)`. Each subject gets a fresh namespace; stdout and
 * stderr are captured; a bare failed `assert` is described by its source line, since the tests'
 * author wants to know which check failed. `report(kind, json)` streams progress to the frame.
 */
export const PY_HARNESS = String.raw`
import sys, io, json, inspect, traceback

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

async def _codejury_run(code, tests, report):
    ns = {'__name__': '__main__', '__builtins__': __builtins__}
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
            if load_error:
                cases.append({'name': name, 'status': 'error', 'message': load_error})
                continue
            report('case', json.dumps(index))
            try:
                result = fn()
                if inspect.isawaitable(result):
                    await result
                cases.append({'name': name, 'status': 'pass'})
            except AssertionError as e:
                cases.append({'name': name, 'status': 'fail', 'message': _cj_describe(e, tests)})
            except BaseException as e:
                cases.append({'name': name, 'status': 'error', 'message': _cj_describe(e, tests)})
    finally:
        sys.stdout, sys.stderr = saved
    if not cases and not load_error:
        load_error = 'the tests define no test_* function'
    return json.dumps({'cases': cases, 'error': load_error, 'stdout': out.getvalue(), 'stderr': err.getvalue()})
`
