/**
 * The list's text filters against the search they stand in for: `q` as a case-insensitive
 * substring of a task's id, title or prompt (a RegExp with `i`). Exact filters must give the same
 * answer for every needle; the others must never say no where the text matches, and must rule out
 * most texts that do not match (otherwise they save nothing).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ShortTextFilter } from '../server/services/shortTextFilter'
import { TrigramFilter } from '../server/services/trigramFilter'

const test = suite('text filters')

/** Characters that fold, that look like ASCII but are not, and surrogate pairs. */
const ALPHABET = ['a', 'b', 'S', 's', 'Z', 'k', 'K', '0', '9', '_', ' ', '-', '.', '(', '`', '\n', 'ſ', 'K', 'İ', 'é', '😀', 'ß']

function prng(seed: number) {
  let s = seed
  return () => (s = (s * 16807) % 2147483647) / 2147483647
}

function randomText(rnd: () => number, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(rnd() * ALPHABET.length)]
  return out
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const matches = (needle: string, texts: string[]) => {
  const re = new RegExp(escape(needle), 'i')
  return texts.some((t) => re.test(t))
}

/** Every one- and two-character needle over the alphabet, and some of three and four. */
function needles(rnd: () => number): string[] {
  const out = [...ALPHABET]
  for (const a of ALPHABET) for (const b of ALPHABET) out.push(a + b)
  for (let i = 0; i < 300; i++) out.push(randomText(rnd, 3 + Math.floor(rnd() * 2)))
  return out
}

test('the short filter answers exactly what the search answers for letters, digits and _, and never a false no for the rest', () => {
  const rnd = prng(7)
  const filter = new ShortTextFilter()
  const tasks = Array.from({ length: 300 }, (_, slot) => [`id-${slot}`, randomText(rnd, 1 + Math.floor(rnd() * 6)), randomText(rnd, Math.floor(rnd() * 12))])
  tasks.forEach((texts, slot) => filter.set(slot, texts))
  let exactNeedles = 0
  let ruledOut = 0
  let notMatching = 0
  for (const needle of needles(rnd)) {
    const tester = filter.tester(needle)
    const ascii = [...needle].every((c) => c.charCodeAt(0) < 128)
    if (needle.length > 2 || !ascii) {
      assert.is(tester, null, `no answer for ${JSON.stringify(needle)}`)
      continue
    }
    assert.ok(tester, `an answer for ${JSON.stringify(needle)}`)
    if (tester.exact) exactNeedles++
    tasks.forEach((texts, slot) => {
      const truth = matches(needle, texts)
      const said = tester.test(slot)
      if (tester.exact) assert.is(said, truth, `${JSON.stringify(needle)} in ${JSON.stringify(texts)}`)
      else if (truth) assert.ok(said, `no false no: ${JSON.stringify(needle)} in ${JSON.stringify(texts)}`)
      if (!truth) {
        notMatching++
        if (!said) ruledOut++
      }
    })
  }
  // Positive controls: most needles are exact, and the filter rules out most non-matching texts.
  assert.ok(exactNeedles > 100, `exact needles: ${exactNeedles}`)
  // Pairs with any other character share one symbol, so those rule out less.
  assert.ok(ruledOut / notMatching > 0.75, `ruled out ${ruledOut} of ${notMatching}`)
})

test('a task whose text changes is answered from its new text only', () => {
  const filter = new ShortTextFilter()
  filter.set(0, ['t0', 'Alpha', 'zq'])
  filter.set(1, ['t1', 'beta', ''])
  assert.ok(filter.tester('ZQ')!.test(0), 'zq found case-insensitively')
  assert.not.ok(filter.tester('zq')!.test(1), 'not in the other task')
  filter.set(0, ['t0', 'Alpha', 'xy'])
  assert.not.ok(filter.tester('zq')!.test(0), 'the old pair is gone')
  assert.ok(filter.tester('xy')!.test(0), 'the new pair is there')
  assert.not.ok(filter.tester('q')!.test(0), 'the old letter is gone')
  // Slots past the last one set hold nothing.
  assert.not.ok(filter.tester('a')!.test(5000))
})

test('the trigram filter never says no where the search matches, and rules out most texts that do not match', () => {
  const rnd = prng(11)
  const filter = new TrigramFilter()
  const tasks = Array.from({ length: 300 }, (_, slot) => [`id-${slot}`, randomText(rnd, 4), randomText(rnd, 40)])
  tasks.forEach((texts, slot) => filter.set(slot, texts))
  let ruledOut = 0
  let notMatching = 0
  let matched = 0
  for (const needle of needles(rnd).filter((n) => n.length >= 3)) {
    const tester = filter.tester(needle)
    if (![...needle].every((c) => c.charCodeAt(0) < 128)) {
      assert.is(tester, null)
      continue
    }
    assert.ok(tester && !tester.exact)
    tasks.forEach((texts, slot) => {
      const truth = matches(needle, texts)
      if (truth) {
        matched++
        assert.ok(tester.test(slot), `no false no: ${JSON.stringify(needle)} in ${JSON.stringify(texts)}`)
      } else {
        notMatching++
        if (!tester.test(slot)) ruledOut++
      }
    })
  }
  assert.ok(matched > 0, 'some needles match')
  assert.ok(ruledOut / notMatching > 0.5, `ruled out ${ruledOut} of ${notMatching}`)
})

test.run()
