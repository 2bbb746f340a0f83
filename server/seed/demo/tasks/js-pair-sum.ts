/** Demo task `js-pair-sum`. */
import type { TaskInput } from '../../../../shared/types'
import { md, code } from '../block'

export const pairSum: TaskInput = {
  id: 'js-pair-sum',
  language: 'javascript',
  entry_point: 'pairSum',
  metadata: { source: 'demo', difficulty: 'easy', topic: 'hashing' },
  prompt: md`
    # Pair with a given sum

    Write \`pairSum(nums, target)\` that returns the indices \`[i, j]\` (\`i < j\`) of two numbers
    of \`nums\` that add up to \`target\`. Scan \`j\` from left to right and return the first
    pair found; for that \`j\`, use the smallest possible \`i\`. Return \`null\` if there is
    no such pair. Numbers may be negative or repeated.

    ~~~js
    pairSum([2, 7, 11, 15], 9)  // → [0, 1]
    pairSum([3, 2, 4], 6)       // → [1, 2]
    pairSum([1, 2], 7)          // → null
    ~~~

    Constraints: \`nums.length <= 10^5\`; values are safe integers.
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-b',
      code: code`
        function pairSum(nums, target) {
          const seen = {}
          for (let j = 0; j < nums.length; j++) {
            const need = target - nums[j]
            if (seen[need]) return [seen[need], j]
            if (!(nums[j] in seen)) seen[nums[j]] = j
          }
          return null
        }
      `,
    },
    {
      id: 'b',
      model: 'model-a',
      code: code`
        function pairSum(nums, target) {
          const firstIndex = new Map()
          for (let j = 0; j < nums.length; j++) {
            const i = firstIndex.get(target - nums[j])
            if (i !== undefined) return [i, j]
            if (!firstIndex.has(nums[j])) firstIndex.set(nums[j], j)
          }
          return null
        }
      `,
    },
    {
      id: 'c',
      model: 'model-c',
      code: code`
        function pairSum(nums, target) {
          var indexByValue = {}
          var result = null
          var found = false
          for (var j = 0; j < nums.length; j = j + 1) {
            if (found === false) {
              var complement = target - nums[j]
              if (Object.prototype.hasOwnProperty.call(indexByValue, String(complement)) === true) {
                result = [indexByValue[String(complement)], j]
                found = true
              } else {
                if (Object.prototype.hasOwnProperty.call(indexByValue, String(nums[j])) === false) {
                  indexByValue[String(nums[j])] = j
                }
              }
            }
          }
          return result
        }
      `,
    },
    {
      id: 'd',
      model: 'model-d',
      code: code`
        function pairSum(nums, target) {
          for (let j = 1; j < nums.length; j++) {
            for (let i = 0; i < j; i++) {
              if (nums[i] + nums[j] === target) return [i, j]
            }
          }
          return null
        }
      `,
    },
  ],
  tests: code`
    test('finds the example pairs', () => {
      assert.deepEqual(pairSum([2, 7, 11, 15], 9), [0, 1])
      assert.deepEqual(pairSum([3, 2, 4], 6), [1, 2])
    })

    test('returns null when no pair exists', () => {
      assert.equal(pairSum([1, 2], 7), null)
      assert.equal(pairSum([], 0), null)
    })

    test('uses the first element', () => {
      assert.deepEqual(pairSum([3, 4, 5], 8), [0, 2])
    })

    test('handles negative numbers and duplicates', () => {
      assert.deepEqual(pairSum([-3, 1, 7, -1], -4), [0, 3])
      assert.deepEqual(pairSum([5, 5, 5], 10), [0, 1])
    })

    test('handles a long input quickly', () => {
      const nums = Array.from({ length: 1400 }, (_, i) => 2 * i + 1)
      assert.equal(pairSum(nums, 3), null)
      nums.push(-2797)
      assert.deepEqual(pairSum(nums, 2), [1399, 1400])
    }, { timeout_ms: 40 })
  `,
}
