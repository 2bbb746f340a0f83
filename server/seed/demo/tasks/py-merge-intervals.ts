/** Demo task `py-merge-intervals`. */
import type { TaskInput } from '../../../../shared/types'
import { md, code } from '../block'

export const mergeIntervals: TaskInput = {
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


    @time_limit(100)
    def test_many_disjoint_intervals():
        intervals = [[i * 3, i * 3 + 1] for i in range(3000, 0, -1)]
        assert merge_intervals(intervals) == [[i * 3, i * 3 + 1] for i in range(1, 3001)]
  `,
}
