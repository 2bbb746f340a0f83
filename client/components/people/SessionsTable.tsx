/** The live sign-in sessions, per person, each with "End session", and "End all" per person. */
import { createMemo, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { SessionRow } from '../../api'
import { formatTime } from '../../format'

export const SessionsTable: Component<{
  sessions: SessionRow[]
  busy: boolean
  onEnd: (s: SessionRow) => void
  onEndAll: (userId: string, name: string) => void
}> = (props) => {
  // one "End all" per person, in the order their first session is listed
  const people = createMemo(() => [...new Map(props.sessions.map((s) => [s.userId, s.userName ?? s.userId])).entries()])
  return (
    <section class="panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <Show when={props.sessions.length > 0} fallback={<p class="muted">No one is signed in in a browser.</p>}>
        <table class="tasks sessions">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Session</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            <For each={props.sessions}>
              {(s) => (
                <tr data-session={s.id}>
                  <td>{s.userName ?? s.userId}</td>
                  <td><code>{s.id.slice(0, 8)}</code></td>
                  <td>{formatTime(s.createdAt)}</td>
                  <td>{formatTime(s.lastUsedAt)}</td>
                  <td>{formatTime(s.expiresAt)}</td>
                  <td>
                    <button type="button" class="link" disabled={props.busy} aria-label={`End session ${s.id.slice(0, 8)} of ${s.userName ?? s.userId}`} onClick={() => props.onEnd(s)}>
                      End session
                    </button>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <p class="row">
          <For each={people()}>
            {([userId, name]) => (
              <button type="button" disabled={props.busy} onClick={() => props.onEndAll(userId, name)}>
                End all sessions of {name}
              </button>
            )}
          </For>
        </p>
      </Show>
    </section>
  )
}
