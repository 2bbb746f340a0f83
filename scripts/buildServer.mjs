#!/usr/bin/env node
/**
 * Compiles the server and the CLI to JavaScript under dist/ (Node ESM, one file each).
 *
 * Packages stay external: the server resolves some of them on disk at run time (Pyodide and
 * QuickJS files it serves, the runtimes its sandbox binds), and Yjs must be one instance shared
 * with y-protocols. So dist/ runs from the repository root, next to node_modules, client/dist and
 * the sandbox driver's sources (server/sandbox/driverBundle.ts bundles them with esbuild at start).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** What is built: entry (source) → output file, both relative to the repository root. */
export const ENTRIES = new Map([
  ['server/main.ts', 'dist/server/main.js'],
  ['bin/cliMain.ts', 'dist/cli/codejury.js'],
])

const META = /\bimport\.meta\.(url|dirname|filename)\b/g

/**
 * A bundled module's `import.meta.url` is the bundle's. Source files that find files next to
 * themselves (`new URL('./driver.ts', import.meta.url)`, `createRequire(import.meta.url)`) get
 * their own source location back, computed from the bundle's so the checkout may move.
 */
function sourceLocations(outFile) {
  return {
    name: 'codejury-source-locations',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8')
        if (args.path.includes(`${path.sep}node_modules${path.sep}`) || !text.includes('import.meta.')) return undefined
        const rel = path.relative(path.dirname(outFile), args.path).split(path.sep).join('/')
        const url = `new URL(${JSON.stringify(rel)}, import.meta.url)`
        const contents = text.replace(META, (_m, which) =>
          which === 'url' ? `${url}.href` : which === 'filename' ? `__cjFileURLToPath(${url})` : `__cjDirname(__cjFileURLToPath(${url}))`,
        )
        const helpers = contents === text ? '' : "import { fileURLToPath as __cjFileURLToPath } from 'node:url'\nimport { dirname as __cjDirname } from 'node:path'\n"
        return { contents: helpers + contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' }
      })
    },
  }
}

export async function buildServer() {
  for (const out of new Set([...ENTRIES.values()].map((o) => path.dirname(o)))) {
    fs.rmSync(path.join(ROOT, out), { recursive: true, force: true })
  }
  for (const [entry, out] of ENTRIES) {
    const outfile = path.join(ROOT, out)
    await build({
      entryPoints: [path.join(ROOT, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20.19',
      packages: 'external',
      sourcemap: 'linked',
      legalComments: 'none',
      logLevel: 'warning',
      plugins: [sourceLocations(outfile)],
    })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildServer()
  console.log(`built ${[...ENTRIES.values()].join(', ')}`)
}
