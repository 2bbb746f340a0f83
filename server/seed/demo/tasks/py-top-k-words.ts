/** Demo task `py-top-k-words`. */
import type { TaskInput } from '../../../../shared/types'
import { md, code } from '../block'

export const topKWords: TaskInput = {
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


    @time_limit(100)
    def test_many_words():
        words = []
        for j in range(1500):
            words.extend(["w%d" % j] * (j % 13 + 1))
        expected = sorted("w%d" % j for j in range(1500) if j % 13 == 12)[:5]
        assert top_k_words(words, 5) == expected
  `,
}
