/**
 * The Python harness's clean state: `setup()` records it once per interpreter (modules, class
 * attributes, registries, builtins, finders) and `restore()` puts back whatever a subject changed.
 * Python source, joined with the others in pyHarness.ts.
 */
export const PY_CLEAN_STATE = String.raw`
def _all_classes():
    '''Every class in the interpreter, reached from object through type.__subclasses__.'''
    seen = set()
    found = []
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
                found.append(s)
                todo.append(s)
    return found

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
    _base['known'] = {id(c) for c in _all_classes()}
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

`
