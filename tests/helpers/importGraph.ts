/**
 * The import graph of the source tree, read from import and export lines (static, re-export and
 * dynamic `import('…')`), and the layering rules it must obey: arrows run one way, routes ->
 * services -> sync -> storage; shared/ is pure; client/ and server/ never import each other except
 * the type-only AppType.
 */
import fs from 'node:fs'
import path from 'node:path'

/** One import edge: `from` imports `to` (both repo-relative, without extension). */
export interface Edge {
  from: string
  to: string
  /** Only types cross the edge (`import type`, or every specifier marked `type`). */
  typeOnly: boolean
  /** The import's text, for messages. */
  text: string
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/gm
const BARE_IMPORT = /^\s*import\s+['"]([^'"]+)['"]/gm
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)(\.)?/g

/** Whether a clause like `{ type A, type B }` brings in types only. */
function allTypeSpecifiers(clause: string): boolean {
  const braces = /^\{([\s\S]*)\}$/.exec(clause.trim())
  if (!braces) return false
  const names = braces[1].split(',').map((s) => s.trim()).filter(Boolean)
  return names.length > 0 && names.every((n) => n.startsWith('type '))
}

/** The edges of one file's text; `file` is repo-relative without extension. Non-relative imports are packages and skipped. */
export function edgesOf(file: string, text: string): Edge[] {
  const edges: Edge[] = []
  const resolve = (spec: string): string | null =>
    spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.(ts|tsx|js|mjs)$/, '') : null
  for (const m of text.matchAll(IMPORT)) {
    const to = resolve(m[4])
    if (to) edges.push({ from: file, to, typeOnly: Boolean(m[2]) || allTypeSpecifiers(m[3]), text: m[0].trim() })
  }
  for (const m of text.matchAll(BARE_IMPORT)) {
    const to = resolve(m[1])
    if (to) edges.push({ from: file, to, typeOnly: false, text: m[0].trim() })
  }
  // `import('./x').T` in a type position brings in a type; `await import('./x')` loads the module.
  for (const m of text.matchAll(DYNAMIC_IMPORT)) {
    const to = resolve(m[1])
    if (to) edges.push({ from: file, to, typeOnly: m[2] === '.', text: m[0].trim() })
  }
  return edges
}

/** Every edge from the .ts/.tsx files under `dirs` of `root`. */
export function readGraph(root: string, dirs: string[]): Edge[] {
  const edges: Edge[] = []
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name)
      if (entry.isDirectory()) walk(child)
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        edges.push(...edgesOf(child.replace(/\.tsx?$/, ''), fs.readFileSync(path.join(root, child), 'utf8')))
      }
    }
  }
  for (const dir of dirs) walk(dir)
  return edges
}

/** Which layer a module is in: the first matching prefix's name. */
export interface Layer {
  name: string
  prefix: string
}

/** The server's layers, lowest first: a layer may import its own and lower layers only. */
export const SERVER_LAYERS: Layer[] = [
  { name: 'storage', prefix: 'server/storage/' },
  { name: 'sync', prefix: 'server/sync/' },
  { name: 'services', prefix: 'server/services/' },
  { name: 'routes', prefix: 'server/routes/' },
]

function layerIndex(module: string, layers: Layer[]): number {
  return layers.findIndex((l) => module.startsWith(l.prefix))
}

/** Every edge that breaks a rule, as "from -> to: why". */
export function violations(edges: Edge[], layers: Layer[] = SERVER_LAYERS): string[] {
  const found: string[] = []
  for (const e of edges) {
    const a = layerIndex(e.from, layers)
    const b = layerIndex(e.to, layers)
    if (a >= 0 && b > a) found.push(`${e.from} -> ${e.to}: ${layers[a].name} imports ${layers[b].name}`)
    if (e.from.startsWith('shared/') && (e.to.startsWith('server/') || e.to.startsWith('client/'))) {
      found.push(`${e.from} -> ${e.to}: shared/ imports ${e.to.split('/')[0]}/`)
    }
    if (e.from.startsWith('client/') && e.to.startsWith('server/') && !(e.typeOnly && /\bAppType\b/.test(e.text))) {
      found.push(`${e.from} -> ${e.to}: client/ imports server/ beyond the type-only AppType`)
    }
    if (e.from.startsWith('server/') && e.to.startsWith('client/')) {
      found.push(`${e.from} -> ${e.to}: server/ imports client/`)
    }
  }
  return found
}

/** The cycles among modules under `prefix`, each as the modules around it (one per strongly connected component). */
export function cycles(edges: Edge[], prefix: string): string[][] {
  const next = new Map<string, Set<string>>()
  for (const e of edges) {
    if (!e.from.startsWith(prefix) || !e.to.startsWith(prefix) || e.from === e.to) continue
    let set = next.get(e.from)
    if (!set) next.set(e.from, (set = new Set()))
    set.add(e.to)
  }
  // Tarjan's strongly connected components; a component of two or more modules is a cycle.
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  let counter = 0
  const visit = (v: string): void => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v)
  return found
}
