/** Demo task `py-climb-stairs`. */
import type { TaskInput } from '../../../../shared/types'
import { md, code } from '../block'

export const countWays: TaskInput = {
  id: 'py-climb-stairs',
  language: 'python',
  entry_point: 'count_ways',
  metadata: { source: 'demo', difficulty: 'easy', topic: 'dynamic programming' },
  prompt: md`
    # Climbing stairs

    You climb a staircase of \`n\` steps, taking 1, 2 or 3 steps at a time. Write
    \`count_ways(n)\` that returns the number of distinct sequences of moves that reach the top
    exactly. A staircase with \`0\` steps has exactly one way to climb it: do nothing.

    ~~~python
    >>> count_ways(3)   # 1+1+1, 1+2, 2+1, 3
    4
    >>> count_ways(4)
    7
    >>> count_ways(0)
    1
    ~~~

    Constraints: \`0 <= n <= 1000\`. Return the exact integer (Python integers do not overflow).
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-d',
      code: code`
        def count_ways(n):
            if n < 0:
                return 0
            if n == 0:
                return 1
            return count_ways(n - 1) + count_ways(n - 2) + count_ways(n - 3)
      `,
    },
    {
      id: 'b',
      model: 'model-c',
      code: code`
        def count_ways(n):
            # memo maps a number of steps to the number of ways to climb them
            memo = {}
            memo[0] = 1
            step = 1
            while step <= n:
                total = 0
                if step - 1 >= 0:
                    total = total + memo[step - 1]
                if step - 2 >= 0:
                    total = total + memo[step - 2]
                if step - 3 >= 0:
                    total = total + memo[step - 3]
                memo[step] = total
                step = step + 1
            return memo[n]
      `,
    },
    {
      id: 'c',
      model: 'model-a',
      code: code`
        def count_ways(n):
            ways, prev1, prev2 = 1, 0, 0  # ways(i), ways(i - 1), ways(i - 2)
            for _ in range(n):
                ways, prev1, prev2 = ways + prev1 + prev2, ways, prev1
            return ways
      `,
    },
    {
      id: 'd',
      model: 'model-b',
      code: code`
        def count_ways(n):
            if n <= 1:
                return n
            if n == 2:
                return 2
            dp = [0] * (n + 1)
            dp[0], dp[1], dp[2] = 1, 1, 2
            for i in range(3, n + 1):
                dp[i] = dp[i - 1] + dp[i - 2] + dp[i - 3]
            return dp[n]
      `,
    },
  ],
  tests: code`
    def test_examples():
        assert count_ways(3) == 4
        assert count_ways(4) == 7


    def test_small_staircases():
        assert [count_ways(n) for n in range(1, 8)] == [1, 2, 4, 7, 13, 24, 44]


    def test_zero_steps():
        assert count_ways(0) == 1


    @time_limit(100)
    def test_taller_staircase():
        assert count_ways(27) == 8646064
  `,
}
