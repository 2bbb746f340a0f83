/**
 * The first part of the Python harness: the imports, the audit hook armed while a subject runs and
 * the flags it records (see pyHarness.ts for the whole). Python source, joined with the others.
 */
export const PY_GUARD = String.raw`
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

`
