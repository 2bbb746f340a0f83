/**
 * Builds what a sandbox binds: the driver as one ES module (esbuild, at start-up, cached by the
 * hash of what went in) and the runtime packages it loads from node_modules at run time.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The project's node_modules: the runtimes are direct dependencies, installed at its top level. */
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url))

/** Packages the driver imports at run time (they read their own wasm and data files). */
const RUNTIME_PACKAGES = ['pyodide', '@jitl/quickjs-wasmfile-release-sync', '@jitl/quickjs-ffi-types'] as const

function packageDir(name: string): string {
  return path.join(NODE_MODULES, name)
}

/** The versions a run reports: the same Pyodide and QuickJS builds as the browser's runner. */
export function runtimeVersions(): { pyodide: string; quickjs: string } {
  const version = (name: string) => (JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version
  return { pyodide: version('pyodide'), quickjs: `${version('quickjs-emscripten-core')} (release-sync ${version('@jitl/quickjs-wasmfile-release-sync')})` }
}

/** The runtime packages a sandbox binds read-only: inside name → host directory. */
export function runtimePackages(): Map<string, string> {
  return new Map(RUNTIME_PACKAGES.map((name) => [name, fs.realpathSync(packageDir(name))]))
}

/**
 * Bundles server/sandbox/driver.ts (and the harness it imports) into `cacheDir`, owner-only.
 * Returns the bundle's path; a bundle of the same sources is reused.
 */
export async function bundleDriver(cacheDir: string): Promise<string> {
  const entry = fileURLToPath(new URL('./driver.ts', import.meta.url))
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [...RUNTIME_PACKAGES],
    define: { QUICKJS_VERSION: JSON.stringify(runtimeVersions().quickjs) },
    logLevel: 'silent',
  })
  const text = result.outputFiles[0].text
  const hash = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16)
  ensurePrivateDir(cacheDir)
  const file = path.join(cacheDir, `driver-${hash}.mjs`)
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, text, { mode: 0o644 })
    fs.renameSync(tmp, file)
  }
  return file
}

/**
 * Creates `dir` owner-only, or checks that an existing one is ours alone: the sandbox runs what
 * this folder holds, so a folder another user can write would let them choose the driver.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const st = fs.lstatSync(dir)
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) {
    throw new Error(`the sandbox cache ${dir} must be a folder owned by this user that nobody else can write`)
  }
}

/** Where bundles and snapshots live unless SANDBOX_CACHE_DIR says otherwise. */
export function defaultCacheDir(): string {
  return path.join(os.tmpdir(), `codejury-sandbox-${process.getuid?.() ?? 'user'}`)
}
