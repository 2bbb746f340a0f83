/** Demo task `js-max-subarray`. */
import type { TaskInput } from '../../../../shared/types'
import { md, code } from '../block'

export const maxSubarray: TaskInput = {
  id: 'js-max-subarray',
  language: 'javascript',
  entry_point: 'maxSubarraySum',
  metadata: { source: 'demo', difficulty: 'medium', topic: 'dynamic programming' },
  prompt: md`
    # Maximum subarray sum

    Write \`maxSubarraySum(nums)\` that returns the largest sum of a contiguous, non-empty
    subarray of \`nums\`. Throw a \`RangeError\` when \`nums\` is empty.

    ~~~js
    maxSubarraySum([-2, 1, -3, 4, -1, 2, 1, -5, 4])  // → 6, from [4, -1, 2, 1]
    maxSubarraySum([5])                             // → 5
    maxSubarraySum([-3, -1, -2])                    // → -1
    ~~~

    Constraints: \`nums.length <= 10^5\`; \`-10^4 <= nums[i] <= 10^4\`.
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-c',
      code: code`
        function maxSubarraySum(nums) {
          if (nums.length === 0) throw new RangeError('nums must not be empty')
          let best = -Infinity
          for (let i = 0; i < nums.length; i++) {
            let sum = 0
            for (let j = i; j < nums.length; j++) {
              sum += nums[j]
              if (sum > best) best = sum
            }
          }
          return best
        }
      `,
    },
    {
      id: 'b',
      model: 'model-d',
      code: code`
        function maxSubarraySum(nums) {
          if (nums.length === 0) {
            throw new RangeError('maxSubarraySum needs at least one number')
          }
          var bestSoFar = nums[0]
          var endingHere = nums[0]
          for (var index = 1; index < nums.length; index = index + 1) {
            var value = nums[index]
            var extended = endingHere + value
            if (extended > value) {
              endingHere = extended
            } else {
              endingHere = value
            }
            if (endingHere > bestSoFar) {
              bestSoFar = endingHere
            } else {
              bestSoFar = bestSoFar
            }
          }
          return bestSoFar
        }
      `,
    },
    {
      id: 'c',
      model: 'model-b',
      code: code`
        function maxSubarraySum(nums) {
          if (nums.length === 0) throw new RangeError('nums must not be empty')
          let best = 0
          let current = 0
          for (const x of nums) {
            current = Math.max(0, current + x)
            best = Math.max(best, current)
          }
          return best
        }
      `,
    },
    {
      id: 'd',
      model: 'model-a',
      code: code`
        function maxSubarraySum(nums) {
          if (nums.length === 0) throw new RangeError('nums must not be empty')
          let best = nums[0]
          let current = nums[0]
          for (let i = 1; i < nums.length; i++) {
            current = Math.max(nums[i], current + nums[i])
            best = Math.max(best, current)
          }
          return best
        }
      `,
    },
  ],
  tests: code`
    test('finds the example subarray', () => {
      assert.equal(maxSubarraySum([-2, 1, -3, 4, -1, 2, 1, -5, 4]), 6)
    })

    test('handles a single element', () => {
      assert.equal(maxSubarraySum([5]), 5)
      assert.equal(maxSubarraySum([-5]), -5)
    })

    test('handles only negative numbers', () => {
      assert.equal(maxSubarraySum([-3, -1, -2]), -1)
    })

    test('rejects an empty array', () => {
      assert.throws(() => maxSubarraySum([]))
    })

    test('handles a long input quickly', () => {
      const nums = Array.from({ length: 3000 }, (_, i) => ((i * 7919) % 201) - 100)
      nums[1500] = 10000
      assert.equal(maxSubarraySum(nums), 10688)
    }, { timeout_ms: 40 })
  `,
}
