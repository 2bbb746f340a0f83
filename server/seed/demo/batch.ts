/** The demo batch: guidelines and a four-criterion rubric, as a lead would write them. */
import type { RubricCriterion } from '../../../shared/types'
import { md } from './block'

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
  4. Press **Run tests** (in the Test runs pane): it runs your tests against the reference
     solution and every candidate in the browser, and everyone on the task sees the matrix.
     Python tests are top-level \`test_*\` functions with plain \`assert\`; JavaScript and
     TypeScript tests are \`test('name', () => { assert.equal(actual, expected) })\` with
     \`assert.ok\`, \`equal\`, \`deepEqual\` and \`throws\`. Give an efficiency test its own time
     limit (\`@time_limit(100)\` above a Python test, \`test('name', fn, { timeout_ms: 50 })\` in
     JavaScript): a candidate that is too slow fails just that case (⏱) and the other cases still
     run. Hover or focus a failing cell to read why it failed. A failure in your own test is a
     bug in the test until you have proved otherwise with the reference solution; edit the tests
     and the results turn stale until you run them again.
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
