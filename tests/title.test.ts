/** Task titles: the heading or first sentence of a real prompt, identifiers whole, never cut mid-phrase. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MAX_TITLE_CHARS, taskTitle } from '../shared/title'
import { DEMO_TASKS } from '../server/seed/demoTasks'
import { api, importTasks } from './helpers/server'
import { serverPerTest } from './helpers/perTest'

const test = suite('task titles')

test('takes the heading of every demo prompt', () => {
  const titles = DEMO_TASKS.map((t) => taskTitle(t.prompt))
  assert.ok(titles.includes('Merge overlapping intervals'), titles.join(' | '))
  for (const title of titles) assert.ok(title.length > 3 && !title.includes('#'), title)
})

test('keeps identifiers intact, inside code spans and in prose', () => {
  const prompt = 'Write `merge_intervals(intervals)`. It takes a list of closed intervals and returns a **new** list.'
  assert.is(taskTitle(prompt), 'Write merge_intervals(intervals)')
  assert.is(
    taskTitle('Implement __init__ and to_snake_case for the _Parser class; keep *parse_all* _as it is_.'),
    'Implement __init__ and to_snake_case for the _Parser class; keep parse_all as it is',
  )
  assert.is(taskTitle('Now make `top_k_words` stable. Thanks!'), 'Now make top_k_words stable')
})

test('ends at the first sentence, also when it wraps over lines, and not at e.g. or a dot in code', () => {
  const mbpp = 'Write a function to find the shared elements\nfrom the given two lists. Return them as a set.'
  assert.is(taskTitle(mbpp), 'Write a function to find the shared elements from the given two lists')
  assert.is(taskTitle('Parse dates, e.g. `2024-01-02`, with `datetime.date.fromisoformat`. Then sort them.'), 'Parse dates, e.g. 2024-01-02, with datetime.date.fromisoformat')
  assert.is(taskTitle('Is `n` a prime? Answer quickly.'), 'Is n a prime?')
})

test('takes a HumanEval prompt from its docstring, and a conversation from its last user turn', () => {
  const humaneval =
    'from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n' +
    '    """ Check if in given list of numbers, are any two numbers closer to each other than\n    given threshold.\n' +
    '    >>> has_close_elements([1.0, 2.0, 3.0], 0.5)\n    False\n    """\n'
  assert.is(taskTitle(humaneval), 'Check if in given list of numbers, are any two numbers closer to each other than given threshold')
  const chat = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Write `count_ways(n)`.' },
    { role: 'assistant' as const, content: 'Done.' },
    { role: 'user' as const, content: 'Make `count_ways` iterative. It overflows the stack.' },
  ]
  assert.is(taskTitle(chat), 'Make count_ways iterative')
})

test('shortens an over-long sentence at a clause or a whole word, never inside code, and says so with …', () => {
  const leetcode =
    'Given an array of integers `nums` and an integer `target`, return the indices of the two numbers such that they add up to `target`, assuming exactly one solution exists and that the same element is never used twice'
  const title = taskTitle(leetcode)
  assert.ok(title.length <= MAX_TITLE_CHARS, `${title.length}`)
  assert.ok(title.endsWith('…'), title)
  assert.ok(leetcode.replace(/`/g, '').startsWith(title.slice(0, -1)), 'a prefix of the sentence')
  assert.match(title, /[a-z]…$/, 'the cut is after a whole word')
  assert.not.match(title, /\s…$|,…$/)
  const code = `Sort ${'very '.repeat(10)}carefully with \`functools.cmp_to_key(lambda a, b: (a > b) - (a < b))\` and more words after it`
  const cut = taskTitle(code, '', 80)
  assert.not.match(cut, /cmp_to_key\(lambda a…/, 'no cut inside a code span')
  // positive control: a sentence that fits is left whole
  assert.is(taskTitle('Sort the list.'), 'Sort the list')
  assert.is(taskTitle('   \n\n', 'fallback'), 'fallback')
})

test.run()

const live = suite('task titles in the queue')
const fx = serverPerTest(live)

live('lists each task under its derived title', async () => {
  const line = (id: string, prompt: unknown) =>
    JSON.stringify({ id, prompt, language: 'python', candidates: [{ id: 'a', code: 'x' }, { id: 'b', code: 'y' }] })
  await importTasks(fx.server, [line('m', 'Write `merge_intervals(intervals)`. It merges.'), line('c', [{ role: 'user', content: 'Add `top_k_words`. Now.' }])].join('\n'))
  const tasks = (await api(fx.server, fx.server.leadToken, 'GET', '/api/tasks')).body.tasks
  const titles = Object.fromEntries(tasks.map((t: { id: string; title: string }) => [t.id, t.title]))
  assert.equal(titles, { m: 'Write merge_intervals(intervals)', c: 'Add top_k_words' })
})

live.run()
