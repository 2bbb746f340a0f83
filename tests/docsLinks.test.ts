/**
 * The documentation points at things that exist: every relative link in README.md and docs/*.md
 * names an existing file (and, for a markdown file, an existing heading), every code path the
 * pages cite in backticks exists, and every `docs/….md` path the code cites exists.
 */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const test = suite('documentation links')
const ROOT = path.resolve(import.meta.dirname, '..')

/** The pages: README.md and every markdown file directly under docs/. */
function pages(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))
  return ['README.md', ...docs]
}

/** A page's text outside fenced code blocks (a link inside one is an example, not a link). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '')
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    anchors.add(n === 0 ? base : `${base}-${n}`)
  }
  return anchors
}

/** Every broken relative link of one page, as "page: target (why)". */
export function brokenLinks(page: string, text: string, root: string): string[] {
  const broken: string[] = []
  for (const match of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1]
    if (/^[a-z]+:/i.test(target)) continue
    const [file, anchor] = target.split('#', 2)
    const resolved = file ? path.resolve(root, path.dirname(page), file) : path.resolve(root, page)
    if (!fs.existsSync(resolved)) {
      broken.push(`${page}: ${target} (no such file)`)
      continue
    }
    if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
      broken.push(`${page}: ${target} (no such heading)`)
    }
  }
  return broken
}

/** Every code path a page cites in backticks (`server/…`, `shared/…`) that does not exist. */
export function missingCodePaths(page: string, text: string, root: string): string[] {
  const missing: string[] = []
  for (const match of text.matchAll(/`((?:server|client|shared|cli|tests|bin|scripts|docs)\/[\w./-]*[\w/])`/g)) {
    const cited = match[1]
    if (cited.includes('<') || cited.includes('*')) continue
    if (!fs.existsSync(path.join(root, cited))) missing.push(`${page}: ${cited}`)
  }
  return missing
}

/** Source files of the repository's code, recursively (node_modules and build output left out). */
function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'results') continue
    const rel = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(rel))
    else if (/\.(ts|tsx|js|mjs|css|html)$/.test(entry.name)) out.push(rel)
  }
  return out
}

test('every relative link in README.md and docs/ names an existing file and heading', () => {
  const broken = pages().flatMap((page) => brokenLinks(page, fs.readFileSync(path.join(ROOT, page), 'utf8'), ROOT))
  assert.equal(broken, [], broken.join('\n'))
  // The control: the same check finds a missing page and a missing heading.
  const planted = '[gone](docs/nope.md) [bad anchor](docs/protocol.md#no-such-heading) [fine](docs/protocol.md#close-codes)'
  assert.equal(brokenLinks('README.md', planted, ROOT), [
    'README.md: docs/nope.md (no such file)',
    'README.md: docs/protocol.md#no-such-heading (no such heading)',
  ])
})

test('every code path the pages cite in backticks exists', () => {
  const missing = pages().flatMap((page) => missingCodePaths(page, fs.readFileSync(path.join(ROOT, page), 'utf8'), ROOT))
  assert.equal(missing, [], missing.join('\n'))
  assert.equal(missingCodePaths('docs/x.md', '`server/sync/room.ts` and `server/sync/nope.ts`', ROOT), ['docs/x.md: server/sync/nope.ts'])
})

/** Every `docs/<page>.md[#heading]` a source text cites whose page or heading does not exist. */
export function missingDocCitations(file: string, text: string, root: string): string[] {
  const missing: string[] = []
  for (const match of text.matchAll(/\bdocs\/[\w/-]+\.md(?:#[\w-]+)?/g)) {
    const [page, anchor] = match[0].split('#', 2)
    const resolved = path.join(root, page)
    if (!fs.existsSync(resolved)) missing.push(`${file}: ${match[0]} (no such file)`)
    else if (anchor !== undefined && !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
      missing.push(`${file}: ${match[0]} (no such heading)`)
    }
  }
  return missing
}

test('every docs/ page and heading the code cites exists', () => {
  const missing: string[] = []
  for (const file of ['server', 'client', 'shared', 'cli', 'bin', 'scripts', 'tests'].flatMap(sourceFiles)) {
    if (file === path.join('tests', 'docsLinks.test.ts')) continue
    missing.push(...missingDocCitations(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ROOT))
  }
  assert.equal(missing, [], missing.join('\n'))
  // The controls: a real page and heading pass, a missing page or heading is named.
  const planted = 'docs/protocol.md#close-codes docs/nope.md docs/protocol.md#no-such-heading docs/architecture.md'
  assert.equal(missingDocCitations('x.ts', planted, ROOT), [
    'x.ts: docs/nope.md (no such file)',
    'x.ts: docs/protocol.md#no-such-heading (no such heading)',
  ])
})

test('keeps README.md the front door: at most 250 lines, with the test command CI reads', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const lines = readme.split('\n').length
  assert.ok(lines <= 250, `README.md has ${lines} lines`)
  assert.ok(/^npm test\b/m.test(readme), 'README.md holds a line starting `npm test`')
})

test('computes anchors as GitHub does', () => {
  assert.equal([...anchorsOf("# The server's sandbox\n## Close codes\n## Close codes\n### `runs` map")], [
    'the-servers-sandbox',
    'close-codes',
    'close-codes-1',
    'runs-map',
  ])
})

test.run()
