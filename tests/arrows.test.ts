/**
 * Arrows run one way: routes -> services -> sync -> storage; shared/ imports neither server/ nor
 * client/ and has no cycles; client/ and server/ never import each other except the type-only
 * AppType. The checker reads import lines, so it is first shown to flag a planted back-arrow.
 */
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { cycles, edgesOf, readGraph, violations } from './helpers/importGraph'
import type { Edge } from './helpers/importGraph'

const test = suite('import arrows')
const ROOT = path.resolve(import.meta.dirname, '..')

/** A tiny graph from `{ file: source }`, read the same way as the real tree. */
function fixture(files: Record<string, string>): Edge[] {
  return Object.entries(files).flatMap(([file, text]) => edgesOf(file, text))
}

test('the checker flags a planted back-arrow and a planted cycle, and passes the same graph without them', () => {
  const clean = {
    'server/routes/a': "import { b } from '../services/b'\n",
    'server/services/b': "import type { C } from '../sync/c'\nexport const b = 1\n",
    'server/sync/c': "import {\n  d,\n} from '../storage/d'\n",
    'server/storage/d': 'export const d = 1\n',
    'shared/x': "import { y } from './y'\n",
    'shared/y': 'export const y = 1\n',
    'client/app': "import type { AppType } from '../server/app'\n",
  }
  assert.equal(violations(fixture(clean)), [])
  assert.equal(cycles(fixture(clean), 'shared/'), [])

  const planted = {
    ...clean,
    'server/storage/d': "import { c } from '../sync/c'\n",
    'server/sync/c': "export { b } from '../services/b'\n",
    'shared/y': "const x = await import('./x')\n",
    'client/app': "import { app } from '../server/app'\n",
  }
  const found = violations(fixture(planted))
  assert.ok(found.includes('server/storage/d -> server/sync/c: storage imports sync'), found.join('\n'))
  assert.ok(found.includes('server/sync/c -> server/services/b: sync imports services'), found.join('\n'))
  assert.ok(found.some((v) => v.startsWith('client/app -> server/app: client/ imports server/')), found.join('\n'))
  assert.equal(cycles(fixture(planted), 'shared/'), [['shared/x', 'shared/y']])
})

test('the checker reads a type position import() as type-only and shared/ importing server/ as a violation', () => {
  const edges = fixture({ 'shared/t': "export type P = import('../server/x').P\nimport { z } from '../server/z'\n" })
  assert.equal(edges.map((e) => e.typeOnly), [false, true])
  assert.equal(violations(edges).length, 2)
})

test('server layers import only their own and lower layers, shared/ and client/ keep their bounds', () => {
  const edges = readGraph(ROOT, ['server', 'shared', 'client'])
  assert.ok(edges.length > 500, `the walk found the tree's imports (${edges.length})`)
  assert.ok(edges.some((e) => e.from.startsWith('server/sync/') && e.to.startsWith('server/storage/')), 'a downward arrow is seen')
  assert.equal(violations(edges), [])
})

test('shared/ and server/ have no import cycles', () => {
  const edges = readGraph(ROOT, ['server', 'shared'])
  assert.equal(cycles(edges, 'shared/'), [])
  assert.equal(cycles(edges, 'server/'), [])
})

test.run()
