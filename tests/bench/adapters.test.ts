import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { codejuryNodeFlags } from './servers/adapters'

const test = suite('bench adapters')

test('benchmarks codejury with the Node flags npm start and npm run dev use', () => {
  const flags = codejuryNodeFlags()
  assert.ok(flags.includes('--max-semi-space-size=64'), flags.join(' '))
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  for (const script of [pkg.scripts.start, pkg.scripts.dev]) {
    assert.ok(script.includes(`node ${flags.join(' ')} --import tsx server/main.ts`), script)
  }
})

test.run()
