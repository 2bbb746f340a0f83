/** The run matrix: subjects × test cases, each cell's message on hover and on focus. */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RunCase } from '../../shared/schema'
import type { RunsStore } from '../stores/runs'
import { describeFlag, isCaseLimitMessage } from '../../shared/runs'
import { ownEntry } from '../../shared/readers'
import { useCandidateLabels } from '../stores/candidateLabels'
import type { CandidateLabels } from '../stores/candidateLabels'

const SYMBOL: Record<RunCase['status'] | 'timeout' | 'none', string> = {
  pass: '✓',
  fail: '✗',
  error: '!',
  timeout: '⏱',
  none: '·',
}

/** Case names in the order the runs list them: the longest current run first, then any others. */
function caseNames(store: RunsStore): string[] {
  const runs = Object.entries(store.runs())
  runs.sort(([ka, a], [kb, b]) => Number(store.stale(ka)) - Number(store.stale(kb)) || b.cases.length - a.cases.length)
  const names: string[] = []
  for (const [, run] of runs) for (const c of run.cases) if (!names.includes(c.name)) names.push(c.name)
  return names
}

/** The label of a subject as the page shows it: a blind batch's letter, never its id. */
export function subjectLabel(key: string, labels: CandidateLabels): string {
  return key === 'solution' ? 'Reference solution' : `Candidate ${labels.label(key)}`
}

export const RunMatrix: Component<{ store: RunsStore; readOnly: boolean }> = (props) => {
  const labels = useCandidateLabels()
  const names = () => caseNames(props.store)
  return (
    <div class="run-matrix-wrap">
      <table class="run-matrix" aria-label="Test results">
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">Result</th>
            <th scope="col">Time</th>
            <For each={names()}>
              {(name, i) => (
                <th scope="col" class="run-case-head" title={name}>
                  <span aria-hidden="true">{i() + 1}</span>
                  <span class="sr-only">{name}</span>
                </th>
              )}
            </For>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={props.store.subjects}>
            {(key) => {
              const run = () => ownEntry(props.store.runs(), key)
              const state = () => ownEntry(props.store.running(), key)
              const stale = () => props.store.stale(key)
              const cell = (name: string) => run()?.cases.find((c) => c.name === name)
              return (
                <tr data-subject={key === 'solution' ? key : labels.key(key)} data-status={run()?.status ?? 'none'} data-stale={stale() ? 'true' : 'false'}>
                  <th scope="row">{subjectLabel(key, labels)}</th>
                  <td class="run-summary">
                    <Show when={props.store.unreported()[key]}>
                      {(why) => <span class="run-unreported" role="status">{why()}</span>}
                    </Show>
                    <Show when={state()} fallback={
                      <Show when={run()} fallback={<span class="muted">not run</span>}>
                        {(r) => (
                          <span class={`run-status run-${r().status}`}>
                            {SYMBOL[r().status]} {r().status} {r().passed}/{r().total}
                            <Show when={stale()}>
                              <span class="run-stale" title="The tests or this code changed since this run">stale</span>
                            </Show>
                            <Show when={r().flags?.length}>
                              {(_) => {
                                const why = () => `Flagged: ${r().flags!.map(describeFlag).join('; ')}${r().status === 'pass' ? ' (this pass does not count)' : ''}`
                                return (
                                  <span class="run-flag" role="img" tabindex={0} data-flags={r().flags!.join(' ')} aria-label={why()} title={why()}>
                                    ⚑
                                  </span>
                                )
                              }}
                            </Show>
                            <Show when={r().status === 'error' && r().total === 1 && r().cases[0]?.message}>
                              <span class="run-reason">{r().cases[0].message}</span>
                            </Show>
                          </span>
                        )}
                      </Show>
                    }>
                      {(s) => {
                        const v = s()
                        return <span class="run-running" role="status">{v === 'queued' ? 'queued' : `running ${v.done}/${v.total || '…'}`}</span>
                      }}
                    </Show>
                  </td>
                  <td class="run-time">{run() ? `${run()!.duration_ms} ms` : ''}</td>
                  <For each={names()}>
                    {(name) => {
                      const c = () => cell(name)
                      const text = () => {
                        const found = c()
                        if (!found) return `${subjectLabel(key, labels)}, ${name}: not run`
                        return `${subjectLabel(key, labels)}, ${name}: ${found.status}${found.message ? ` — ${found.message}` : ''}`
                      }
                      return (
                        <td class={`run-cell run-${c()?.status ?? 'none'}`} data-case={name}>
                          <span class="run-cell-mark" tabindex={c()?.message ? 0 : -1} aria-label={text()} title={text()}>
                            {isCaseLimitMessage(c()?.message) ? SYMBOL.timeout : SYMBOL[c()?.status ?? 'none']}
                          </span>
                          <Show when={c()?.message}>
                            <span class="run-tip" role="tooltip">{c()!.message}</span>
                          </Show>
                        </td>
                      )
                    }}
                  </For>
                  <td>
                    <button
                      type="button"
                      class="small"
                      aria-label={`Run ${subjectLabel(key, labels).toLowerCase()}`}
                      disabled={props.readOnly || !props.store.language || state() !== undefined}
                      onClick={() => void props.store.runOne(key)}
                    >
                      Run
                    </button>
                  </td>
                </tr>
              )
            }}
          </For>
        </tbody>
      </table>
    </div>
  )
}
