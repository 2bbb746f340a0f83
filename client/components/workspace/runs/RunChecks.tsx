/** What the runs say about the work: the suite passes the reference, fails a candidate, agrees with the ranking. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RunChecks as Checks } from '../../../../shared/runs'
import { describeVerdict, type RunVerdict } from '../../../../shared/runEvidence'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { subjectLabel } from './RunMatrix'

const mark = (ok: boolean | null) => (ok === null ? '·' : ok ? '✓' : '⚠')

export const RunChecks: Component<{
  checks: Checks
  /** Subjects whose browser and server runs of the same code and tests disagree. */
  disagreements: { subject: string; browser: RunVerdict; server: RunVerdict }[]
  /** Whether the server has stored runs of its own for this task. */
  serverRan: boolean
}> = (props) => {
  const labels = useCandidateLabels()
  return (
    <ul class="run-checks" aria-label="Checks from the test runs">
      <li data-check="reference" data-ok={String(props.checks.reference_passes)}>
        {mark(props.checks.reference_passes)}{' '}
        {props.checks.reference_passes === null
          ? 'The reference solution has not run against the current tests'
          : props.checks.reference_passes
            ? 'The tests pass the reference solution'
            : 'The tests fail the reference solution'}
      </li>
      <li data-check="strength" data-ok={String(props.checks.suite_fails_a_candidate)}>
        {mark(props.checks.suite_fails_a_candidate)}{' '}
        {props.checks.suite_fails_a_candidate === null
          ? 'No candidate has run against the current tests'
          : props.checks.suite_fails_a_candidate
            ? 'The tests fail at least one candidate'
            : 'The tests pass every candidate: they may not be strict enough'}
      </li>
      <Show
        when={props.checks.contradictions.length}
        fallback={<li data-check="ranking" data-ok="true">✓ The ranking agrees with the runs</li>}
      >
        <For each={props.checks.contradictions}>
          {(c) => (
            <li data-check="ranking" data-ok="false" role="alert">
              ⚠ The ranking contradicts the runs: candidate {labels.label(c.above)} fails a test but is ranked above candidate{' '}
              {labels.label(c.below)},
              which passes them all
            </li>
          )}
        </For>
      </Show>
      <Show
        when={props.disagreements.length}
        fallback={
          <li data-check="evidence" data-ok={props.serverRan ? 'true' : 'null'}>
            {props.serverRan
              ? '✓ Where the browser and the server ran the same code and tests, they agree'
              : '· The server has not run the tests yet'}
          </li>
        }
      >
        <For each={props.disagreements}>
          {(d) => (
            <li data-check="evidence" data-ok="false" data-subject={d.subject === 'solution' ? d.subject : labels.key(d.subject)} role="alert">
              ⚠ Browser and server disagree on {subjectLabel(d.subject, labels).toLowerCase()}: the browser run says{' '}
              {describeVerdict(d.browser)}, the server run says {describeVerdict(d.server)} on the same code and tests
            </li>
          )}
        </For>
      </Show>
    </ul>
  )
}
