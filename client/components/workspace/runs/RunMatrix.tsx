/**
 * The run matrix: per subject, the browser's run and the server's side by side (a disagreement on
 * the same texts marked), then its test cases, each cell's message on hover and on focus.
 */
import { For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { RunCase, RunResult } from '../../../../shared/schema'
import type { RunsStore } from '../../../stores/runs'
import { isCaseLimitMessage } from '../../../../shared/runs'
import { describeDisagreement } from '../../../../shared/runEvidence'
import { RunSummary } from './RunSummary'
import { ownEntry } from '../../../../shared/readers'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import type { CandidateLabels } from '../../../stores/candidateLabels'

const SYMBOL: Record<RunCase['status'] | 'timeout' | 'none', string> = {
  pass: '✓',
  fail: '✗',
  error: '!',
  timeout: '⏱',
  none: '·',
}

/**
 * The run whose cases a subject's row shows: its browser run when current (or when the server has
 * none), else the server's; `from` says which.
 */
function shownRun(store: RunsStore, key: string): { run: RunResult; from: 'browser' | 'server' } | undefined {
  const browser = ownEntry(store.runs(), key)
  const server = ownEntry(store.serverRuns(), key)
  if (browser && (!store.stale(key) || !server)) return { run: browser, from: 'browser' }
  if (server) return { run: server, from: 'server' }
  return undefined
}

/** Case names in the order the runs list them: the longest current run first, then any others. */
function caseNames(store: RunsStore): string[] {
  const runs = store.subjects.flatMap((k) => {
    const shown = shownRun(store, k)
    return shown ? [[k, shown.run] as const] : []
  })
  const stale = (k: string) => Number(store.stale(k) && store.serverStale(k))
  runs.sort(([ka, a], [kb, b]) => stale(ka) - stale(kb) || b.cases.length - a.cases.length)
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
            <th scope="col">Browser</th>
            <th scope="col">Server</th>
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
              const serverRun = () => ownEntry(props.store.serverRuns(), key)
              const shown = () => shownRun(props.store, key)
              const state = () => ownEntry(props.store.running(), key)
              const stale = () => props.store.stale(key)
              const compared = () => props.store.comparison(key)
              const cell = (name: string) => shown()?.run.cases.find((c) => c.name === name)
              return (
                <tr
                  data-subject={key === 'solution' ? key : labels.key(key)}
                  data-status={run()?.status ?? 'none'}
                  data-stale={stale() ? 'true' : 'false'}
                  data-server-status={serverRun()?.status ?? 'none'}
                  data-evidence={compared().kind}
                  data-cases-from={shown()?.from ?? 'none'}
                >
                  <th scope="row">{subjectLabel(key, labels)}</th>
                  <td class="run-summary">
                    <Show when={props.store.unreported()[key]}>
                      {(why) => <span class="run-unreported" role="status">{why()}</span>}
                    </Show>
                    <Show when={state()} fallback={
                      <Show when={run()} fallback={<span class="muted">not run</span>}>
                        {(r) => <RunSummary run={r()} source="browser" stale={stale()} staleText="The tests or this code changed since this run" />}
                      </Show>
                    }>
                      {(s) => {
                        const v = s()
                        return <span class="run-running" role="status">{v === 'queued' ? 'queued' : `running ${v.done}/${v.total || '…'}`}</span>
                      }}
                    </Show>
                  </td>
                  <td class="run-summary run-server">
                    <Show when={serverRun()} fallback={<span class="muted">not run</span>}>
                      {(r) => (
                        <RunSummary
                          run={r()}
                          source="server"
                          stale={props.store.serverStale(key) || compared().kind === 'server-older'}
                          staleText="The server ran older code or tests than the workspace holds now: this is not a disagreement"
                        />
                      )}
                    </Show>
                    <Show when={(() => { const c = compared(); return c.kind === 'disagree' ? c : null })()}>
                      {(c) => (
                        <span class="run-disagree" role="img" tabindex={0} aria-label={`${subjectLabel(key, labels)}: ${describeDisagreement(c())}`} title={describeDisagreement(c())}>
                          ≠ disagree
                        </span>
                      )}
                    </Show>
                  </td>
                  <td class="run-time">{shown() ? `${shown()!.run.duration_ms} ms` : ''}</td>
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
