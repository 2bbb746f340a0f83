/** Demo task `js-truncate`. */
import type { TaskInput } from '../../../../shared/types'
import { md, code } from '../block'

export const truncate: TaskInput = {
  id: 'js-truncate',
  language: 'javascript',
  entry_point: 'truncate',
  metadata: { source: 'demo', difficulty: 'easy', topic: 'unicode' },
  prompt: md`
    # Truncate text for a preview

    Write \`truncate(text, max)\` that shortens \`text\` to at most \`max\` characters for a
    preview. Characters are Unicode code points: an emoji such as 😀 counts as one character,
    and the result must never contain half of one. If \`text\` has more than \`max\`
    characters, keep the first \`max - 1\` and append \`…\` (U+2026); otherwise return
    \`text\` unchanged.

    ~~~js
    truncate('hello world', 8)  // → 'hello w…'
    truncate('hi', 5)           // → 'hi'
    truncate('😀😃😄😁', 3)      // → '😀😃…'
    ~~~

    Constraints: \`max >= 1\`; \`text\` has at most 10^5 code points.
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-a',
      code: code`
        function truncate(text, max) {
          var codePoints = []
          var index = 0
          while (index < text.length) {
            var codePoint = text.codePointAt(index)
            var character = String.fromCodePoint(codePoint)
            codePoints.push(character)
            index = index + character.length
          }
          if (codePoints.length <= max) {
            return text
          }
          var result = ''
          for (var i = 0; i < max - 1; i = i + 1) {
            result = result + codePoints[i]
          }
          result = result + '\u2026'
          return result
        }
      `,
    },
    {
      id: 'b',
      model: 'model-c',
      code: code`
        function truncate(text, max) {
          const chars = Array.from(text)
          return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…'
        }
      `,
    },
    {
      id: 'c',
      model: 'model-d',
      code: code`
        function truncate(text, max) {
          let shortened = text
          while ([...shortened].length > max) {
            shortened = [...shortened].slice(0, -1).join('')
          }
          if (shortened === text) return text
          return [...shortened].slice(0, -1).join('') + '…'
        }
      `,
    },
    {
      id: 'd',
      model: 'model-b',
      code: code`
        function truncate(text, max) {
          if (text.length <= max) return text
          return text.slice(0, max - 1) + '…'
        }
      `,
    },
  ],
  tests: code`
    test('keeps short text unchanged', () => {
      assert.equal(truncate('hi', 5), 'hi')
      assert.equal(truncate('hello', 5), 'hello')
    })

    test('shortens long text with an ellipsis', () => {
      assert.equal(truncate('hello world', 8), 'hello w…')
      assert.equal(truncate('abc', 1), '…')
    })

    test('counts an emoji as one character', () => {
      assert.equal(truncate('😀😃😄😁', 3), '😀😃…')
      assert.equal(truncate('😀😃', 2), '😀😃')
    })

    test('handles a long text quickly', () => {
      const text = 'é🙂'.repeat(600)
      assert.equal(truncate(text, 11), 'é🙂'.repeat(5) + '…')
    }, { timeout_ms: 40 })
  `,
}
