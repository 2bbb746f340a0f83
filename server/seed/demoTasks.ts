/** Demo content: a batch of realistic review tasks that `SEED_DEMO` loads into an empty server. */
import type { RubricCriterion, TaskInput } from '../../shared/types'

/**
 * Template tag for code and markdown blocks written indented inside this file: drops the first
 * newline and the common indentation. It reads the raw text, so `\n` inside candidate code stays
 * an escape for the candidate's own language; only `\`` and `\$` are unescaped.
 */
function block(strings: TemplateStringsArray): string {
  const text = strings.raw
    .join('')
    .replace(/\\([`$])/g, '$1')
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '')
  const lines = text.split('\n')
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  )
  return lines.map((l) => l.slice(indent)).join('\n') + '\n'
}

const md = block
const code = block

/** The demo batch's rubric: four 1–5 criteria an annotator can apply without guessing. */
export const DEMO_RUBRIC: RubricCriterion[] = [
  {
    id: 'correctness',
    name: 'Correctness',
    description:
      'Gives the right answer for every valid input the prompt allows, including the edge cases ' +
      'it names. 5: correct everywhere. 4: correct, but relies on an unstated assumption. ' +
      '3: right on typical inputs, wrong on an edge case. 2: wrong on common inputs. ' +
      '1: does not run or solves a different problem.',
    min: 1,
    max: 5,
  },
  {
    id: 'efficiency',
    name: 'Efficiency',
    description:
      'Time and memory for the input sizes in the constraints. 5: optimal or close to it. ' +
      '4: a constant factor away. 3: a worse complexity class that still finishes on the stated ' +
      'limits. 2: too slow for the stated limits. 1: exponential or hangs.',
    min: 1,
    max: 5,
  },
  {
    id: 'readability',
    name: 'Readability',
    description:
      'How quickly a colleague can verify it. 5: idiomatic, well named, no dead code. ' +
      '3: correct shape but noisy (needless branches, manual loops where the language has a ' +
      'builtin). 1: hard to follow even with comments.',
    min: 1,
    max: 5,
  },
  {
    id: 'robustness',
    name: 'Robustness',
    description:
      'Behaves well outside the happy path. 5: never mutates its inputs, handles empty, ' +
      'negative and non-ASCII input as the prompt requires, fails loudly on invalid input. ' +
      '3: one such weakness. 1: several, or silent wrong answers.',
    min: 1,
    max: 5,
  },
]

const GUIDELINES = md`
  # Reviewing the demo batch

  Each task is a programming prompt and 3–4 answers written by different models. Your team
  produces one judgment per task: a **ranking**, **ratings** on the rubric, an **explanation**,
  a **reference solution** and **tests** that back the judgment up.

  ## Work in this order

  1. Read the prompt to the end, including its constraints and examples.
  2. Read every candidate before you judge any of them. Leave per-candidate notes as you go.
  3. Write tests first: start from the seed tests, then add the edge cases the prompt implies
     (empty input, one element, negative numbers, ties, non-ASCII text, the largest input the
     constraints allow, and "the input is not modified").
  4. Press **Run tests** and read the failures. A failure in your own test is a bug in the test
     until you have proved otherwise with the reference solution.
  5. Rank, rate, and write the explanation last, when the evidence is in.

  ## Ranking

  Best first. Order by, in this priority:

  1. **Correctness.** A correct answer always beats an incorrect one, however elegant.
  2. **Efficiency** for the stated constraints. An answer that times out on the largest allowed
     input is ranked below every correct answer that finishes.
  3. **Readability and robustness.** Between two correct, fast answers, prefer the one a
     reviewer can verify at a glance.

  Two incorrect answers: the one that fails on fewer realistic inputs ranks higher. Never tie:
  if two answers look equal, decide on readability and say so in the explanation.

  ## Rubric

  Score every candidate on every criterion, 1 (worst) to 5 (best).

  | criterion | 5 | 3 | 1 |
  |---|---|---|---|
  | Correctness | right for every valid input | right on typical inputs, wrong on an edge case | does not run, or solves another problem |
  | Efficiency | optimal for the constraints | a worse complexity class that still finishes | exponential, or hangs |
  | Readability | idiomatic and obvious | correct shape, noisy code | hard to follow |
  | Robustness | no mutation of inputs, handles empty/negative/Unicode input, fails loudly on invalid input | one such weakness | several, or silent wrong answers |

  Use 2 and 4 for "between those". Rate what the code does, not what its comments claim.

  ## A good explanation

  - States the ranking in one sentence, then justifies each adjacent pair.
  - Names the **input** that breaks an incorrect candidate and what it returns instead
    (\`count_ways(0)\` returns \`0\`, expected \`1\`), and points at the test that shows it.
  - Gives complexities with the variable they depend on (O(n²) in the number of intervals).
  - Separates facts (a failing test, a measured timeout) from taste (naming, style).
  - Is self-contained: a reader who never saw this workspace understands the judgment.

  Avoid "B is better" without a reason, restating the code line by line, and guesses about
  which model wrote what.
`

/** The batch the demo tasks belong to: guidelines and rubric as a lead would write them. */
export const DEMO_BATCH = {
  name: 'demo',
  guidelines: GUIDELINES,
  rubric: DEMO_RUBRIC,
}

const mergeIntervals: TaskInput = {
  id: 'py-merge-intervals',
  language: 'python',
  entry_point: 'merge_intervals',
  metadata: { source: 'demo', difficulty: 'medium', topic: 'sorting' },
  prompt: md`
    # Merge overlapping intervals

    Write \`merge_intervals(intervals)\`. It takes a list of closed intervals \`[start, end]\`
    (integers, \`start <= end\`, in any order) and returns a **new** list of merged intervals,
    sorted by start. Intervals that overlap *or touch* (\`[1, 3]\` and \`[3, 5]\`) merge into one.
    Neither the input list nor the intervals inside it may be modified.

    ~~~python
    >>> merge_intervals([[8, 10], [1, 3], [2, 6], [15, 18]])
    [[1, 6], [8, 10], [15, 18]]
    >>> merge_intervals([[1, 4], [4, 5]])
    [[1, 5]]
    >>> merge_intervals([])
    []
    ~~~

    Constraints: \`0 <= len(intervals) <= 10^5\`; values are 32-bit signed integers.
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-c',
      code: code`
        def merge_intervals(intervals):
            if not intervals:
                return []
            intervals.sort(key=lambda iv: iv[0])
            merged = [intervals[0]]
            for current in intervals[1:]:
                last = merged[-1]
                if current[0] <= last[1]:
                    last[1] = max(last[1], current[1])
                else:
                    merged.append(current)
            return merged
      `,
    },
    {
      id: 'b',
      model: 'model-a',
      code: code`
        def merge_intervals(intervals):
            merged = []
            for start, end in sorted(intervals):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            return merged
      `,
    },
    {
      id: 'c',
      model: 'model-d',
      code: code`
        def merge_intervals(intervals):
            # Make a copy so that the input is not changed.
            copied = []
            for interval in intervals:
                copied.append([interval[0], interval[1]])

            # Sort the copy by the start of each interval.
            copied.sort(key=lambda interval: interval[0])

            result = []
            index = 0
            while index < len(copied):
                current_start = copied[index][0]
                current_end = copied[index][1]
                next_index = index + 1
                while next_index < len(copied):
                    if copied[next_index][0] <= current_end:
                        if copied[next_index][1] > current_end:
                            current_end = copied[next_index][1]
                        next_index = next_index + 1
                    else:
                        break
                result.append([current_start, current_end])
                index = next_index
            return result
      `,
    },
    {
      id: 'd',
      model: 'model-b',
      code: code`
        def merge_intervals(intervals):
            result = [list(iv) for iv in intervals]
            changed = True
            while changed:
                changed = False
                for i in range(len(result)):
                    for j in range(i + 1, len(result)):
                        a, b = result[i], result[j]
                        if a[0] <= b[1] and b[0] <= a[1]:
                            result[i] = [min(a[0], b[0]), max(a[1], b[1])]
                            del result[j]
                            changed = True
                            break
                    if changed:
                        break
            return sorted(result)
      `,
    },
  ],
  tests: code`
    def test_example():
        assert merge_intervals([[8, 10], [1, 3], [2, 6], [15, 18]]) == [[1, 6], [8, 10], [15, 18]]


    def test_touching_intervals_merge():
        assert merge_intervals([[1, 4], [4, 5]]) == [[1, 5]]


    def test_empty_input():
        assert merge_intervals([]) == []


    def test_contained_intervals():
        assert merge_intervals([[1, 10], [2, 3], [4, 5]]) == [[1, 10]]


    def test_negative_values():
        assert merge_intervals([[-5, -1], [-3, 2], [4, 4]]) == [[-5, 2], [4, 4]]


    def test_input_is_not_modified():
        intervals = [[5, 7], [1, 3], [2, 4]]
        merge_intervals(intervals)
        assert intervals == [[5, 7], [1, 3], [2, 4]]


    def test_many_disjoint_intervals():
        intervals = [[i * 3, i * 3 + 1] for i in range(6000, 0, -1)]
        assert merge_intervals(intervals) == [[i * 3, i * 3 + 1] for i in range(1, 6001)]
  `,
}

const longestPalindrome: TaskInput = {
  id: 'py-longest-palindrome',
  language: 'python',
  entry_point: 'longest_palindrome',
  metadata: { source: 'demo', difficulty: 'medium', topic: 'strings' },
  prompt: md`
    # Longest palindromic substring

    Write \`longest_palindrome(s)\` that returns the longest contiguous substring of \`s\` that
    reads the same forwards and backwards. If several have the maximum length, return the one
    that starts first. The empty string returns \`""\`. Compare characters exactly (case and
    accents matter).

    ~~~python
    >>> longest_palindrome("babad")
    'bab'
    >>> longest_palindrome("cbbd")
    'bb'
    >>> longest_palindrome("a")
    'a'
    ~~~

    Constraints: \`0 <= len(s) <= 3000\`.
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-b',
      code: code`
        def longest_palindrome(s):
            best_start, best_len = 0, 0
            for center in range(2 * len(s) - 1):
                left, right = center // 2, (center + 1) // 2
                while left >= 0 and right < len(s) and s[left] == s[right]:
                    left -= 1
                    right += 1
                if right - left - 1 > best_len:
                    best_start, best_len = left + 1, right - left - 1
            return s[best_start:best_start + best_len]
      `,
    },
    {
      id: 'b',
      model: 'model-d',
      code: code`
        def longest_palindrome(s):
            best = ""
            for i in range(len(s)):
                for j in range(i, len(s)):
                    sub = s[i:j + 1]
                    if sub == sub[::-1] and len(sub) > len(best):
                        best = sub
            return best
      `,
    },
    {
      id: 'c',
      model: 'model-a',
      code: code`
        def longest_palindrome(s):
            best = ""
            for i in range(len(s)):
                lo, hi = i, i
                while lo >= 0 and hi < len(s) and s[lo] == s[hi]:
                    lo -= 1
                    hi += 1
                if hi - lo - 1 > len(best):
                    best = s[lo + 1:hi]
            return best
      `,
    },
    {
      id: 'd',
      model: 'model-c',
      code: code`
        def is_inside(s, position):
            if position < 0:
                return False
            if position >= len(s):
                return False
            return True


        def expand(s, left, right):
            # Move outwards while the characters on both sides are equal.
            while is_inside(s, left) == True and is_inside(s, right) == True:
                if s[left] == s[right]:
                    left = left - 1
                    right = right + 1
                else:
                    break
            start = left + 1
            length = right - left - 1
            return start, length


        def longest_palindrome(s):
            best_start = 0
            best_length = 0
            for middle in range(len(s)):
                # Palindromes with an odd length have one character in the middle.
                start, length = expand(s, middle, middle)
                if length > best_length:
                    best_start = start
                    best_length = length
                # Palindromes with an even length have two equal characters in the middle.
                start, length = expand(s, middle, middle + 1)
                if length > best_length:
                    best_start = start
                    best_length = length
            answer = ""
            for k in range(best_start, best_start + best_length):
                answer = answer + s[k]
            return answer
      `,
    },
  ],
  tests: code`
    def test_odd_length():
        assert longest_palindrome("babad") == "bab"


    def test_even_length():
        assert longest_palindrome("cbbd") == "bb"


    def test_single_character_and_empty():
        assert longest_palindrome("a") == "a"
        assert longest_palindrome("") == ""


    def test_whole_string():
        assert longest_palindrome("racecar") == "racecar"


    def test_first_of_equal_length():
        assert longest_palindrome("abcd") == "a"


    def test_unicode():
        assert longest_palindrome("xélé") == "élé"


    def test_long_input():
        s = "abc" * 350 + "xyzzyx" + "abc" * 350
        assert longest_palindrome(s) == "xyzzyx"
  `,
}

const countWays: TaskInput = {
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


    def test_taller_staircase():
        assert count_ways(27) == 8646064
  `,
}

const topKWords: TaskInput = {
  id: 'py-top-k-words',
  language: 'python',
  entry_point: 'top_k_words',
  metadata: { source: 'demo', difficulty: 'medium', topic: 'hashing' },
  prompt: md`
    # Top k frequent words

    Write \`top_k_words(words, k)\` that returns the \`k\` most frequent words of the list
    \`words\`, most frequent first. Words with the same frequency are ordered alphabetically.
    If there are fewer than \`k\` distinct words, return all of them. \`k\` may be \`0\`.

    ~~~python
    >>> top_k_words(["i", "love", "code", "i", "love", "tests"], 2)
    ['i', 'love']
    >>> top_k_words(["b", "a", "b", "a", "c"], 2)
    ['a', 'b']
    ~~~

    Constraints: \`0 <= len(words) <= 10^5\`, \`0 <= k\`.
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-a',
      code: code`
        from collections import Counter


        def top_k_words(words, k):
            return [word for word, _ in Counter(words).most_common(k)]
      `,
    },
    {
      id: 'b',
      model: 'model-b',
      code: code`
        def top_k_words(words, k):
            unique = sorted(set(words))
            ranked = sorted(unique, key=lambda w: -words.count(w))
            return ranked[:k]
      `,
    },
    {
      id: 'c',
      model: 'model-c',
      code: code`
        from collections import Counter


        def top_k_words(words, k):
            counts = Counter(words)
            return sorted(counts, key=lambda w: (-counts[w], w))[:k]
      `,
    },
    {
      id: 'd',
      model: 'model-d',
      code: code`
        import functools


        def top_k_words(words, k):
            frequency = {}
            for word in words:
                if word in frequency:
                    frequency[word] = frequency[word] + 1
                else:
                    frequency[word] = 1

            pairs = []
            for word in frequency:
                pairs.append((word, frequency[word]))

            def compare(first, second):
                if first[1] > second[1]:
                    return -1
                if first[1] < second[1]:
                    return 1
                if first[0] < second[0]:
                    return -1
                if first[0] > second[0]:
                    return 1
                return 0

            pairs.sort(key=functools.cmp_to_key(compare))
            result = []
            for i in range(len(pairs)):
                if i < k:
                    result.append(pairs[i][0])
            return result
      `,
    },
  ],
  tests: code`
    def test_example():
        assert top_k_words(["i", "love", "code", "i", "love", "tests"], 2) == ["i", "love"]


    def test_ties_are_alphabetical():
        assert top_k_words(["b", "a", "b", "a", "c"], 2) == ["a", "b"]


    def test_k_larger_than_distinct_words():
        assert top_k_words(["x", "y", "x"], 5) == ["x", "y"]


    def test_k_zero_and_empty_input():
        assert top_k_words(["x"], 0) == []
        assert top_k_words([], 3) == []


    def test_many_words():
        words = []
        for j in range(4000):
            words.extend(["w%d" % j] * (j % 13 + 1))
        expected = sorted("w%d" % j for j in range(4000) if j % 13 == 12)[:5]
        assert top_k_words(words, 5) == expected
  `,
}

const pairSum: TaskInput = {
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

    test('handles a long input', () => {
      const nums = Array.from({ length: 20000 }, (_, i) => 2 * i + 1)
      assert.equal(pairSum(nums, 3), null)
      nums.push(-39997)
      assert.deepEqual(pairSum(nums, 2), [19999, 20000])
    })
  `,
}

const maxSubarray: TaskInput = {
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

    test('handles a long input', () => {
      const nums = Array.from({ length: 30000 }, (_, i) => ((i * 7919) % 201) - 100)
      nums[15000] = 10000
      assert.equal(maxSubarraySum(nums), 10661)
    })
  `,
}

const truncate: TaskInput = {
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

    test('handles a long text', () => {
      const text = 'é🙂'.repeat(2500)
      assert.equal(truncate(text, 11), 'é🙂'.repeat(5) + '…')
    })
  `,
}

const lruCache: TaskInput = {
  id: 'ts-lru-cache',
  language: 'typescript',
  entry_point: 'LRUCache',
  metadata: { source: 'demo', difficulty: 'hard', topic: 'data structures' },
  prompt: md`
    # LRU cache

    Implement \`class LRUCache<K, V>\`, a cache that holds at most \`capacity\` entries:

    - \`new LRUCache(capacity)\` — throws a \`RangeError\` unless \`capacity\` is an integer ≥ 1;
    - \`get(key): V | undefined\` — the value, or \`undefined\`; a hit makes the entry the most
      recently used;
    - \`put(key, value): void\` — inserts or replaces, making the entry the most recently used;
      when the cache is over capacity, evicts the **least recently used** entry;
    - \`size: number\` — the number of entries (a getter).

    Both \`get\` and \`put\` must run in O(1) on average.

    ~~~ts
    const cache = new LRUCache<string, number>(2)
    cache.put('a', 1)
    cache.put('b', 2)
    cache.get('a')      // → 1, and 'a' is now the most recently used
    cache.put('c', 3)   // evicts 'b'
    cache.get('b')      // → undefined
    ~~~
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-d',
      code: code`
        class LRUCache<K, V> {
          private keys: K[] = []
          private values: V[] = []
          private readonly capacity: number

          constructor(capacity: number) {
            if (!Number.isInteger(capacity) || capacity < 1) {
              throw new RangeError('capacity must be a positive integer')
            }
            this.capacity = capacity
          }

          get size(): number {
            return this.keys.length
          }

          get(key: K): V | undefined {
            const index = this.keys.indexOf(key)
            if (index === -1) return undefined
            const value = this.values[index]
            this.keys.splice(index, 1)
            this.values.splice(index, 1)
            this.keys.push(key)
            this.values.push(value)
            return value
          }

          put(key: K, value: V): void {
            const index = this.keys.indexOf(key)
            if (index !== -1) {
              this.keys.splice(index, 1)
              this.values.splice(index, 1)
            } else if (this.keys.length === this.capacity) {
              this.keys.shift()
              this.values.shift()
            }
            this.keys.push(key)
            this.values.push(value)
          }
        }
      `,
    },
    {
      id: 'b',
      model: 'model-b',
      code: code`
        class LRUCache<K, V> {
          private readonly entries = new Map<K, V>()
          private readonly capacity: number

          constructor(capacity: number) {
            if (!Number.isInteger(capacity) || capacity < 1) {
              throw new RangeError('capacity must be a positive integer')
            }
            this.capacity = capacity
          }

          get size(): number {
            return this.entries.size
          }

          get(key: K): V | undefined {
            return this.entries.get(key)
          }

          put(key: K, value: V): void {
            if (this.entries.has(key)) {
              this.entries.delete(key)
            } else if (this.entries.size >= this.capacity) {
              const oldest = this.entries.keys().next().value as K
              this.entries.delete(oldest)
            }
            this.entries.set(key, value)
          }
        }
      `,
    },
    {
      id: 'c',
      model: 'model-a',
      code: code`
        class LRUCache<K, V> {
          // A Map iterates in insertion order, so its first key is the least recently used.
          private readonly entries = new Map<K, V>()
          private readonly capacity: number

          constructor(capacity: number) {
            if (!Number.isInteger(capacity) || capacity < 1) {
              throw new RangeError('capacity must be a positive integer')
            }
            this.capacity = capacity
          }

          get size(): number {
            return this.entries.size
          }

          get(key: K): V | undefined {
            if (!this.entries.has(key)) return undefined
            const value = this.entries.get(key) as V
            this.entries.delete(key)
            this.entries.set(key, value)
            return value
          }

          put(key: K, value: V): void {
            this.entries.delete(key)
            this.entries.set(key, value)
            if (this.entries.size > this.capacity) {
              this.entries.delete(this.entries.keys().next().value as K)
            }
          }
        }
      `,
    },
    {
      id: 'd',
      model: 'model-c',
      code: code`
        interface LinkedNode<K, V> {
          key: K
          value: V
          previous: LinkedNode<K, V> | null
          next: LinkedNode<K, V> | null
        }

        class LRUCache<K, V> {
          private capacity: number
          private nodesByKey: Map<K, LinkedNode<K, V>>
          private head: LinkedNode<K, V> | null // the most recently used node
          private tail: LinkedNode<K, V> | null // the least recently used node

          constructor(capacity: number) {
            if (typeof capacity !== 'number' || Math.floor(capacity) !== capacity) {
              throw new RangeError('The capacity of the cache has to be a whole number')
            }
            if (capacity <= 0) {
              throw new RangeError('The capacity of the cache has to be at least 1')
            }
            this.capacity = capacity
            this.nodesByKey = new Map()
            this.head = null
            this.tail = null
          }

          get size(): number {
            return this.nodesByKey.size
          }

          private detach(node: LinkedNode<K, V>): void {
            if (node.previous !== null) {
              node.previous.next = node.next
            } else {
              this.head = node.next
            }
            if (node.next !== null) {
              node.next.previous = node.previous
            } else {
              this.tail = node.previous
            }
            node.previous = null
            node.next = null
          }

          private attachAtHead(node: LinkedNode<K, V>): void {
            node.previous = null
            node.next = this.head
            if (this.head !== null) {
              this.head.previous = node
            }
            this.head = node
            if (this.tail === null) {
              this.tail = node
            }
          }

          get(key: K): V | undefined {
            const node = this.nodesByKey.get(key)
            if (node === undefined) {
              return undefined
            }
            this.detach(node)
            this.attachAtHead(node)
            return node.value
          }

          put(key: K, value: V): void {
            const existing = this.nodesByKey.get(key)
            if (existing !== undefined) {
              existing.value = value
              this.detach(existing)
              this.attachAtHead(existing)
              return
            }
            const node: LinkedNode<K, V> = { key: key, value: value, previous: null, next: null }
            this.nodesByKey.set(key, node)
            this.attachAtHead(node)
            if (this.nodesByKey.size > this.capacity) {
              const leastRecent = this.tail
              if (leastRecent !== null) {
                this.detach(leastRecent)
                this.nodesByKey.delete(leastRecent.key)
              }
            }
          }
        }
      `,
    },
  ],
  tests: code`
    test('returns stored values', () => {
      const cache = new LRUCache(2)
      cache.put('a', 1)
      cache.put('b', 2)
      assert.equal(cache.get('a'), 1)
      assert.equal(cache.get('b'), 2)
      assert.equal(cache.get('zzz'), undefined)
      assert.equal(cache.size, 2)
    })

    test('evicts the least recently used entry', () => {
      const cache = new LRUCache(2)
      cache.put('a', 1)
      cache.put('b', 2)
      cache.put('c', 3)
      assert.equal(cache.get('a'), undefined)
      assert.equal(cache.get('b'), 2)
      assert.equal(cache.get('c'), 3)
    })

    test('a read makes an entry recently used', () => {
      const cache = new LRUCache(2)
      cache.put('a', 1)
      cache.put('b', 2)
      cache.get('a')
      cache.put('c', 3)
      assert.equal(cache.get('b'), undefined)
      assert.equal(cache.get('a'), 1)
    })

    test('an update replaces the value and makes the entry recently used', () => {
      const cache = new LRUCache(2)
      cache.put('a', 1)
      cache.put('b', 2)
      cache.put('a', 10)
      cache.put('c', 3)
      assert.equal(cache.size, 2)
      assert.equal(cache.get('a'), 10)
      assert.equal(cache.get('b'), undefined)
    })

    test('rejects a capacity below 1', () => {
      assert.throws(() => new LRUCache(0))
    })

    test('evicts the right entries from a large cache', () => {
      const capacity = 20000
      const cache = new LRUCache(capacity)
      for (let i = 0; i < capacity; i++) cache.put(i, i)
      for (let i = 0; i < capacity; i += 2) assert.equal(cache.get(i), i)
      for (let i = 0; i < capacity / 2; i++) cache.put(capacity + i, i)
      assert.equal(cache.size, capacity)
      assert.equal(cache.get(1), undefined)
      assert.equal(cache.get(capacity - 1), undefined)
      assert.equal(cache.get(0), 0)
      assert.equal(cache.get(capacity - 2), capacity - 2)
    })
  `,
}

/**
 * The demo tasks: realistic prompts whose candidates differ the way model answers do (one clean,
 * one subtly wrong, one correct but slow, one correct but verbose). Which is which is never
 * written here: finding out is the annotators' job.
 */
export const DEMO_TASKS: TaskInput[] = [
  mergeIntervals,
  pairSum,
  longestPalindrome,
  maxSubarray,
  countWays,
  truncate,
  topKWords,
  lruCache,
]
