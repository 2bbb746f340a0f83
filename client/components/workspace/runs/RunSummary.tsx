/**
 * One run's summary in the matrix (the browser's or the server's): its verdict, counts, whether it
 * ran older texts, and its tampering flags as ⚑ with the reason. A flagged pass never reads as a pass.
 */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RunResult } from '../../../../shared/schema'
import { describeFlag } from '../../../../shared/runs'
import { describeVerdict, runVerdict, type RunVerdict } from '../../../../shared/runEvidence'

export const VERDICT_SYMBOL: Record<RunVerdict, string> = {
  pass: '✓',
  // The ⚑ with its reason follows the text; no ✓ ever stands beside a flagged pass.
  'flagged-pass': '',
  fail: '✗',
  error: '!',
  timeout: '⏱',
}

/** Why a run is flagged, as its ⚑ says it (title and accessible name). */
export function flagReason(run: RunResult): string {
  return `Flagged: ${(run.flags ?? []).map(describeFlag).join('; ')}${run.status === 'pass' ? ' (this pass does not count)' : ''}`
}

export const RunSummary: Component<{
  run: RunResult
  /** Who ran it, for the accessible text: "browser" or "server". */
  source: 'browser' | 'server'
  /** The run is of other code or tests than the workspace holds now. */
  stale: boolean
  /** What "stale" says here (the server's stale run is of older code, say so). */
  staleText: string
}> = (props) => {
  const verdict = () => runVerdict(props.run)
  return (
    <span class={`run-status run-${verdict()}`} data-source={props.source} data-verdict={verdict()}>
      <Show when={VERDICT_SYMBOL[verdict()]}>
        <span aria-hidden="true">{VERDICT_SYMBOL[verdict()]} </span>
      </Show>
      {describeVerdict(verdict())} {props.run.passed}/{props.run.total}
      <Show when={props.stale}>
        <span class="run-stale" title={props.staleText}>
          {props.source === 'server' ? 'older code' : 'stale'}
          <span class="sr-only">: {props.staleText}</span>
        </span>
      </Show>
      <Show when={props.run.flags?.length}>
        <span class="run-flag" role="img" tabindex={0} data-flags={props.run.flags!.join(' ')} aria-label={flagReason(props.run)} title={flagReason(props.run)}>
          ⚑
        </span>
      </Show>
      <Show when={props.run.status === 'error' && props.run.total === 1 && props.run.cases[0]?.message}>
        <span class="run-reason">{props.run.cases[0].message}</span>
      </Show>
    </span>
  )
}
