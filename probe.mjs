import { loadPyodide } from 'pyodide'
const py = await loadPyodide()
console.log(py.runPython(`
import sys
ev = []
def hook(e, a):
    if e in ('import','sys._getframe','object.__getattr__','compile','exec','open','object.__setattr__'):
        ev.append((e, str(a)[:80]))
sys.addaudithook(hook)
import js
import json
def f(): pass
try:
    f.__code__ = (lambda: 1).__code__
except Exception as e: pass
x = sys._getframe(0).f_back
y = sys._getframe(0).f_code
try:
    1/0
except Exception as e:
    e.__traceback__.tb_frame
f.__globals__
import os
print(os._exit)
str(ev) + ' ' + str([m for m in sys.modules if 'pyodide' in m or m=='js']) + str(sys.meta_path) + sys.version
`))
try { py.runPython('import os; os._exit(3)') } catch (e) { console.log('exit:', e.constructor.name, String(e).slice(0,200)) }
try { console.log(py.runPython('1+1')) } catch (e) { console.log('after:', String(e).slice(0,200)) }
