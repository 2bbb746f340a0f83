/** The servers under test run like for like: the same Node flags for every headline server. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { ADAPTERS, serverNodeFlags, type ServerUnderTest } from './servers/adapters'

const test = suite('bench adapters')

const started: ServerUnderTest[] = []

test.after.each(async () => {
  await Promise.all(started.map((s) => s.stop()))
  for (const s of started.splice(0)) rmSync(s.dataDir, { recursive: true, force: true })
})

/** The Node flags a running process was given: everything before the first `--import`. */
function flagsOf(pid: number): string[] {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  const end = argv.indexOf('--import')
  return argv.slice(1, end < 0 ? argv.length : end)
}

test('reads the Node flags npm start and npm run dev give codejury', () => {
  const flags = serverNodeFlags()
  assert.ok(flags.includes('--max-semi-space-size=64'), flags.join(' '))
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  assert.ok(pkg.scripts.start.includes(`node ${flags.join(' ')} dist/server/main.js`), pkg.scripts.start)
  assert.ok(pkg.scripts.dev.includes(`node ${flags.join(' ')} --import tsx server/main.ts`), pkg.scripts.dev)
})

test('gives every headline server the same Node flags; only the as-deployed rows differ', () => {
  const headline = ADAPTERS.filter((a) => !a.asDeployed)
  assert.equal(
    headline.map((a) => a.kind),
    ['relay', 'stock', 'hocuspocus', 'codejury'],
  )
  for (const a of headline) assert.equal([...a.nodeFlags], serverNodeFlags(), a.kind)
  const asDeployed = ADAPTERS.filter((a) => a.asDeployed)
  assert.ok(asDeployed.length > 0)
  for (const a of asDeployed) {
    assert.equal([...a.nodeFlags], [], a.kind)
    assert.match(a.label, /as deployed/)
  }
})

test('starts every headline server process with the same Node flags', async () => {
  // the as-deployed stock server is the positive control: its process must read differently
  const kinds = ['relay', 'stock', 'hocuspocus', 'codejury', 'stock-as-deployed'] as const
  for (const kind of kinds) {
    const adapter = ADAPTERS.find((a) => a.kind === kind)!
    const dataDir = mkdtempSync(path.join(tmpdir(), `bench-flags-${kind}-`))
    started.push(await adapter.start({ storage: 'memory', dataDir, cpu: null }))
  }
  const byKind = new Map(started.map((s) => [s.kind, flagsOf(s.proc.pid)]))
  const expected = byKind.get('codejury')!
  assert.ok(expected.includes('--max-semi-space-size=64'), expected.join(' '))
  for (const kind of ['relay', 'stock', 'hocuspocus'] as const)
    assert.equal(byKind.get(kind), expected, kind)
  assert.not.equal(byKind.get('stock-as-deployed'), expected)
  assert.not.ok(byKind.get('stock-as-deployed')!.includes('--max-semi-space-size=64'))
})

test.run()
