/** The one FNV-1a hash, mulberry32 PRNG and Fisher–Yates shuffle that every seeded order uses. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { fnv1a, FNV_OFFSET, mulberry32, shuffled } from '../shared/seeded'
import { blindOrder } from '../shared/blind'
import { seededShuffle } from '../shared/exports/ktoOrder'
import { seedClientId } from '../server/services/tasks'

const test = suite('seeded')
const letters = 'abcdefghijklmnopqrstuvwxyz'.split('')

test('fnv1a gives the published FNV-1a 32-bit values and can go on from a previous hash', () => {
  assert.is(fnv1a(''), FNV_OFFSET)
  assert.is(fnv1a('a'), 0xe40c292c)
  assert.is(fnv1a('foobar'), 0xbf9cf968)
  assert.is(fnv1a('bar', fnv1a('foo')), fnv1a('foobar'))
  assert.is.not(fnv1a('foobaR'), fnv1a('foobar'))
})

test('mulberry32 gives its reference sequence, in [0, 1), the same for the same seed', () => {
  const r = mulberry32(1)
  assert.equal([r(), r(), r()], [0.6270739405881613, 0.002735721180215478, 0.5274470399599522])
  const a = mulberry32(0xffffffff)
  const b = mulberry32(0xffffffff)
  for (let i = 0; i < 1000; i++) {
    const x = a()
    assert.ok(x >= 0 && x < 1)
    assert.is(x, b())
  }
  assert.is.not(mulberry32(2)(), mulberry32(1)())
})

test('shuffled returns a permutation in a new array and leaves its input untouched', () => {
  const input = Object.freeze([...letters])
  const out = shuffled(input, mulberry32(7))
  assert.is.not(out, input)
  assert.equal([...out].sort(), letters)
  assert.not.equal(out, letters) // 26 items in their own order from this seed would be a broken shuffle
  assert.equal(shuffled(input, mulberry32(7)), out)
  assert.equal(shuffled([], mulberry32(7)), [])
  assert.equal(shuffled(['only'], mulberry32(7)), ['only'])
})

test('the blind letters, kto row order and seeded client ids built on them stay what they were', () => {
  // Pinned: a change here would re-letter every open task and reorder every export.
  assert.is(blindOrder('t1', letters).join(''), 'oublfvkydcrsqzjmpenhxtwiag')
  assert.is(blindOrder('ünïcode', letters).join(''), 'cazgpljtmdwfbeksyxuhrviqno')
  assert.is(seededShuffle(letters, 'rec-1', 0).join(''), 'rsdlefwqyzbhnxpcuavokjmitg')
  assert.is(seededShuffle(letters, 'rec-1', 4294967295).join(''), 'ghtinfdwjuelbzyxmokspcqvar')
  assert.is(seedClientId('ws:t1', '{"a":1}'), 3054806606)
  assert.is(seedClientId('meta:x', 'ü'), 2836333014)
  assert.is(seedClientId('ws:t1', '{"a":1}'), fnv1a('ws:t1\u0000{"a":1}'))
})

test.run()
