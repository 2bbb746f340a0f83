/**
 * The test runs pane: "Run tests" (in this browser), "Run on server" (the lead asks for the
 * server's own runs), progress, the matrix of both, the derived checks, this tab's output.
 */
import { For, Show, createMemo } from 'solid-js'
import type { Component } from 'solid-js'
import type { Workspace } from '../../../../shared/schema'
import type { TaskDetail } from '../../../../shared/types'
import { createRuns, type Running } from '../../../stores/runs'
import { useMe } from '../../../stores/session'
import { RunMatrix, subjectLabel } from './RunMatrix'
import { RunChecks } from './RunChecks'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { createServerEvidence } from '../../../stores/serverEvidence'
import '../../../styles/runs.css'

export const RunPanel: Component<{ task: TaskDetail; ws: Workspace; readOnly: boolean }> = (props) => {
  const labels = useCandidateLabels()
  const me = useMe()()
  const store = createRuns(props.ws, props.task, me, !props.readOnly)
  // The lead asks for the server's evidence; the route also lets assignees, but the button is the lead's.
  const isLead = me.role === 'lead'
  const server = createServerEvidence(props.task.id, isLead)
  const unavailable = () => {
    const s = server.sandbox()
    return s?.state === 'unavailable' ? s.reason : null
  }
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
          <Show when={isLead}>
            <button
              type="button"
              class="small"
              data-action="run-on-server"
              disabled={props.readOnly || server.busy() || unavailable() !== null}
              title={unavailable() !== null ? 'This server cannot run code' : props.readOnly ? 'Read only' : 'The server runs the tests against every subject in its own sandbox'}
              onClick={() => void server.request()}
            >
              Run on server
            </button>
          </Show>
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
        <Show when={isLead && server.busy()}>
          <p class="run-server-progress small" role="status">
            The server is running the tests against every subject…
          </p>
        </Show>
        <Show when={isLead && server.error()}>
          {(why) => (
            <p class="error small" role="alert" data-error="server-runs">
              Run on server failed: {why()}
            </p>
          )}
        </Show>
        <Show when={isLead && unavailable()}>
          {(why) => (
            <p class="run-server-unavailable small" role="status" data-sandbox="unavailable">
              This server cannot run code ({why()}): the record's evidence will be the browser-reported runs.
            </p>
          )}
        </Show>
        <RunChecks checks={store.checks()} disagreements={store.disagreements()} serverRan={Object.keys(store.serverRuns()).length > 0} />
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
