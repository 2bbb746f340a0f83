/** The workspace route's initial JavaScript stays within budget (≤ 250 KB gzip, docs/performance.md#browser). */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const bundle = suite('bundle')

const DIST = fileURLToPath(new URL('../client/dist', import.meta.url))
const BUDGET_BYTES = 250 * 1024

// Static imports in a built chunk: `import{…}from"./x.js"` and `import"./x.js"` (not `import(`).
const STATIC_IMPORT_RE = /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']\.\/([^"']+\.js)["']/g
// How the entry names the lazy route chunk: `import("./Workspace-….js")` (quotes or backticks,
// as the minifier chooses) or a preload list.
const WORKSPACE_CHUNK_RE =
  /import\(["'`]\.\/(Workspace-[^"'`]+\.js)["'`]\)|["'](?:assets\/)?(Workspace-[\w-]+\.js)["']/

function read(file: string): string {
  return fs.readFileSync(path.join(DIST, 'assets', file), 'utf8')
}

/** `file` and everything it imports statically, i.e. what the browser loads before it runs. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  for (const m of read(file).matchAll(STATIC_IMPORT_RE)) closure(m[1], seen)
  return seen
}

const gzipSize = (file: string) =>
  zlib.gzipSync(fs.readFileSync(path.join(DIST, 'assets', file))).length

bundle('loads the workspace route with at most 250 KB of gzipped JavaScript', () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8')
  const entry = /<script[^>]+src="\/assets\/([^"]+\.js)"/.exec(html)?.[1]
  assert.ok(entry, 'client/dist/index.html has no entry script: run `npx vite build` first')
  const files = closure(entry!)
  const workspace = [...files].map(read).join('\n').match(WORKSPACE_CHUNK_RE)
  const chunk = workspace?.[1] ?? workspace?.[2]
  assert.ok(chunk, 'no Workspace chunk is referenced from the entry')
  closure(chunk!, files)
  const sizes = [...files].map((f) => ({ f, gz: gzipSize(f) }))
  const total = sizes.reduce((sum, s) => sum + s.gz, 0)
  const lines = sizes.map((s) => `  ${(s.gz / 1024).toFixed(1).padStart(7)} KB  ${s.f}`).join('\n')
  console.log(`workspace initial JS (gzip): ${(total / 1024).toFixed(1)} KB\n${lines}`)
  assert.ok(total <= BUDGET_BYTES, `initial JS is ${(total / 1024).toFixed(1)} KB gzip`)
})

bundle.run()
