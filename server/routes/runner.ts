/** `/runner/*`: the test-run sandbox frame, its scripts and the runtimes (Pyodide, QuickJS), no CDN. */
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { Hono } from 'hono'
import type { MiddlewareHandler } from 'hono'
import type { AppDeps, AppEnv } from '../env'

const require = createRequire(import.meta.url)

/** Runtime files the frame may fetch, by URL under /runner/vendor/, and where they live. */
function vendorFiles(): Map<string, string> {
  const pyodide = path.dirname(require.resolve('pyodide/package.json'))
  const files = new Map<string, string>()
  for (const f of ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json']) {
    files.set(`pyodide/${f}`, path.join(pyodide, f))
  }
  files.set('quickjs/emscripten-module.wasm', require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'))
  return files
}

const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
}

/**
 * The frame's own policy: scripts and fetches only from /runner/ on this server, wasm compiled
 * (Pyodide and QuickJS need it; no `'unsafe-eval'`), workers only from `data:` (the one kind
 * an opaque frame can start), embeddable only by the app itself, nothing else.
 */
export function frameCsp(origin: string): string {
  return [
    "default-src 'none'",
    `script-src ${origin}/runner/ 'wasm-unsafe-eval'`,
    // A module worker's static imports are fetched as workers, so its own files are listed too.
    `worker-src data: ${origin}/runner/assets/`,
    `connect-src ${origin}/runner/vendor/`,
    `frame-ancestors ${origin}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
}

/**
 * Runs outside (before) the app's secure headers so its values win: the frame's files are
 * loaded by an opaque origin, which Hono's default `Cross-Origin-Resource-Policy: same-origin`
 * and a missing CORS header would block; the frame page gets its own CSP, not the app's.
 */
export function runnerHeaders(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next()
    c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin')
    c.res.headers.set('Access-Control-Allow-Origin', '*')
    if (c.req.path === '/runner/frame.html') {
      const origin = deps.config.publicUrl ? new URL(deps.config.publicUrl).origin : new URL(c.req.url).origin
      c.res.headers.set('Content-Security-Policy', frameCsp(origin))
      c.res.headers.delete('X-Frame-Options')
      // An opaque-origin document cannot be origin-keyed; asking only earns a console warning.
      c.res.headers.delete('Origin-Agent-Cluster')
    }
  }
}

/** Serves the built frame (client/dist/runner) and the vendored runtimes from node_modules. */
export function runnerRoutes(deps: AppDeps) {
  const vendor = vendorFiles()
  const built = path.join(deps.config.clientDir, 'runner')
  const cache = new Map<string, Buffer>()
  const read = (file: string): Buffer | null => {
    const hit = cache.get(file)
    if (hit) return hit
    if (!fs.existsSync(file)) return null
    const bytes = fs.readFileSync(file)
    cache.set(file, bytes)
    return bytes
  }
  const serve = (file: string | undefined, cacheControl: string) => {
    const bytes = file ? read(file) : null
    if (!bytes || !file) return null
    return new Response(new Uint8Array(bytes), {
      headers: { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': cacheControl },
    })
  }
  return new Hono<AppEnv>()
    .get('/vendor/*', (c) => {
      const name = c.req.path.slice('/runner/vendor/'.length)
      return serve(vendor.get(name), 'public, max-age=86400') ?? c.text('not found', 404)
    })
    .get('/frame.html', (c) => {
      // Read fresh each time in development; the built file is small.
      const file = path.join(built, 'frame.html')
      if (!fs.existsSync(file)) return c.text('The runner is not built yet: run `npm run build`.', 503)
      return new Response(fs.readFileSync(file), { headers: { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-cache' } })
    })
    .get('/assets/:file', (c) => {
      const name = c.req.param('file')
      if (!/^[\w.-]+\.(js|wasm)$/.test(name)) return c.text('not found', 404)
      return serve(path.join(built, 'assets', name), 'no-cache') ?? c.text('not found', 404)
    })
}
