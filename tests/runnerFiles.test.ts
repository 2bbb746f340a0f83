/** The sandbox's files over HTTP: the frame's own CSP, cross-origin loadable files, runtimes from node_modules, lazy. */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startServer } from './helpers/server'
import type { TestServer } from './helpers/server'

const test = suite('runner files')
let server: TestServer
test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  await server.stop()
})

const DIST = fileURLToPath(new URL('../client/dist', import.meta.url))

test('serves the frame with its own policy: scripts and fetches from /runner only, wasm, data: workers, framed by the app alone', async () => {
  const res = await fetch(`${server.url}/runner/frame.html`)
  assert.is(res.status, 200)
  const csp = res.headers.get('content-security-policy') ?? ''
  const origin = new URL(server.url).origin
  assert.match(csp, `script-src ${origin}/runner/ 'wasm-unsafe-eval'`)
  assert.match(csp, `connect-src ${origin}/runner/vendor/;`)
  assert.match(csp, `frame-ancestors ${origin}`)
  assert.match(csp, "default-src 'none'")
  assert.not.match(csp, "'unsafe-eval'")
  assert.is(res.headers.get('x-frame-options'), null)
  assert.is(res.headers.get('cross-origin-resource-policy'), 'cross-origin')
  // Control: the app's own page keeps the strict policy, with no wasm and no embedding.
  const app = await fetch(`${server.url}/`)
  const appCsp = app.headers.get('content-security-policy') ?? ''
  assert.match(appCsp, "frame-ancestors 'none'")
  assert.not.match(appCsp, 'wasm-unsafe-eval')
  assert.is(app.headers.get('cross-origin-resource-policy'), 'same-origin')
})

test('serves the runtimes from node_modules with CORS for the opaque frame, and nothing else under vendor', async () => {
  for (const [file, type] of [
    ['pyodide/pyodide.mjs', 'text/javascript'],
    ['pyodide/pyodide.asm.wasm', 'application/wasm'],
    ['pyodide/python_stdlib.zip', 'application/zip'],
    ['pyodide/pyodide-lock.json', 'application/json'],
    ['quickjs/emscripten-module.wasm', 'application/wasm'],
  ]) {
    const res = await fetch(`${server.url}/runner/vendor/${file}`, { headers: { origin: 'null' } })
    assert.is(res.status, 200, file)
    assert.ok(res.headers.get('content-type')?.startsWith(type), `${file}: ${res.headers.get('content-type')}`)
    assert.is(res.headers.get('access-control-allow-origin'), '*')
    assert.is(res.headers.get('cross-origin-resource-policy'), 'cross-origin')
    await res.arrayBuffer()
  }
  for (const bad of ['pyodide/package.json', 'pyodide%2F..%2F..%2Fpackage.json', '..%2F..%2Fpackage.json', 'quickjs/index.js']) {
    const res = await fetch(`${server.url}/runner/vendor/${bad}`)
    assert.is(res.status, 404, bad)
    await res.arrayBuffer()
  }
  const worker = await fetch(`${server.url}/runner/assets/pyWorker.js`)
  assert.is(worker.status, 200)
  assert.is(worker.headers.get('access-control-allow-origin'), '*')
})

test('keeps the runtimes out of the app’s own bundle: they load only inside the frame', () => {
  const app = fs.readdirSync(path.join(DIST, 'assets')).filter((f) => f.endsWith('.js'))
  assert.ok(app.length > 0, 'client/dist is built')
  for (const f of app) {
    const text = fs.readFileSync(path.join(DIST, 'assets', f), 'utf8')
    assert.not.ok(/loadPyodide|QuickJSRuntime|sucrase/i.test(text), `${f} carries a runtime`)
  }
  const runner = fs.readFileSync(path.join(DIST, 'runner', 'assets', 'jsWorker.js'), 'utf8')
  assert.ok(/setMaxStackSize|QuickJS/i.test(runner), 'control: the runner build carries QuickJS')
})

test.run()
