/** Demo content: a batch of realistic review tasks that `SEED_DEMO` loads into an empty server. */
import type { TaskInput } from '../../shared/types'
import { mergeIntervals } from './demo/tasks/py-merge-intervals'
import { longestPalindrome } from './demo/tasks/py-longest-palindrome'
import { countWays } from './demo/tasks/py-climb-stairs'
import { topKWords } from './demo/tasks/py-top-k-words'
import { pairSum } from './demo/tasks/js-pair-sum'
import { maxSubarray } from './demo/tasks/js-max-subarray'
import { truncate } from './demo/tasks/js-truncate'
import { lruCache } from './demo/tasks/ts-lru-cache'

export { DEMO_BATCH, DEMO_RUBRIC } from './demo/batch'

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
