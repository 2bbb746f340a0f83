/** Demo task `py-longest-palindrome`. */
import type { TaskInput } from '../../../../shared/types'
import { md, code } from '../block'

export const longestPalindrome: TaskInput = {
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


    @time_limit(100)
    def test_long_input():
        s = "abc" * 350 + "xyzzyx" + "abc" * 350
        assert longest_palindrome(s) == "xyzzyx"
  `,
}
