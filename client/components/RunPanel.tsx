/** The test runs pane (issue 12): "Run tests", progress, the matrix, the derived checks, this tab's output. */
import { For, Show, createMemo } from 'solid-js'
import type { Component } from 'solid-js'
import type { Workspace } from '../../shared/schema'
import type { TaskDetail } from '../../shared/types'
import { createRuns, type Running } from '../stores/runs'
import { useMe } from '../stores/session'
import { RunMatrix, subjectLabel } from './RunMatrix'
import { RunChecks } from './RunChecks'
import { useCandidateLabels } from '../stores/candidateLabels'
import '../styles/runs.css'

export const RunPanel: Component<{ task: TaskDetail; ws: Workspace; readOnly: boolean }> = (props) => {
  const labels = useCandidateLabels()
  const store = createRuns(props.ws, props.task, useMe()(), !props.readOnly)
  const busy = createMemo(() => Object.keys(store.running()).length > 0)
  const progress = createMemo(() => {
    const states = Object.values(store.running())
    const total = states.length
    const active = states.find((s): s is Running => s !== 'queued')
    return { left: total, active: active ?? null }
  })
  const outputs = createMemo(() =>
    Object.entries(store.local()).filter(([, o]) => o.stdout || o.stderr || o.error),
  )
  return (
    <section class="pane run-pane" aria-labelledby="runs-title">
      <header class="pane-head">
        <h2 id="runs-title">Test runs</h2>
        <span class="muted small">time limit {props.task.run_timeout_ms / 1000} s</span>
        <span class="pane-tools">
          <Show when={busy()}>
            <span class="run-progress" role="status" aria-live="polite">
              <progress
                aria-label="Test run progress"
                max={progress().active?.total || 1}
                value={progress().active?.done ?? 0}
              />
              {progress().left} left
            </span>
          </Show>
          <button
            type="button"
            class="primary small"
            disabled={props.readOnly || !store.language || busy()}
            title={!store.language ? `${props.task.language} cannot run in the browser` : props.readOnly ? 'Read only' : undefined}
            onClick={() => void store.runAll()}
          >
            Run tests
          </button>
        </span>
      </header>
      <div class="run-body">
        <Show when={!store.language}>
          <p class="muted small">Tests run for Python, JavaScript and TypeScript tasks; this task is {props.task.language}.</p>
        </Show>
        <For each={Object.entries(store.local()).filter(([, o]) => o.infra).slice(0, 1)}>
          {([, o]) => (
            <p class="error small" role="alert">
              {o.error}
            </p>
          )}
        </For>
        <RunChecks checks={store.checks()} />
        <RunMatrix store={store} readOnly={props.readOnly} />
        <Show when={outputs().length}>
          <details class="run-output">
            <summary>Output of your last runs</summary>
            <For each={outputs()}>
              {([key, o]) => (
                <div>
                  <h3>{subjectLabel(key, labels)}</h3>
                  <Show when={o.error}>
                    <pre class="run-error">{o.error}</pre>
                  </Show>
                  <Show when={o.stdout}>
                    <pre aria-label={`${subjectLabel(key, labels)} stdout`}>{o.stdout}</pre>
                  </Show>
                  <Show when={o.stderr}>
                    <pre class="run-error" aria-label={`${subjectLabel(key, labels)} stderr`}>{o.stderr}</pre>
                  </Show>
                </div>
              )}
            </For>
          </details>
        </Show>
      </div>
    </section>
  )
}
