/** The top bar: product name, navigation and the signed-in user with a sign-out button. */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'
import { safeColor } from '../../../shared/presence'
import { useSession } from '../../stores/session'

export const Header: Component = () => {
  const session = useSession()
  const user = () => (session.me.state === 'ready' ? session.me() : undefined)
  return (
    <header class="topbar">
      <A href="/" class="brand" end>
        codejury
      </A>
      <Show when={user()}>
        {(me) => (
          <>
            <nav aria-label="Main">
              <A href="/" end activeClass="active">
                Tasks
              </A>
              <Show when={me().role === 'lead'}>
                <A href="/lead" end activeClass="active">
                  Lead
                </A>
                <A href="/lead/batches" activeClass="active">
                  Batches
                </A>
                <A href="/lead/import" activeClass="active">
                  Import
                </A>
                <A href="/lead/export" activeClass="active">
                  Export
                </A>
                <A href="/lead/people" activeClass="active">
                  People
                </A>
                <A href="/lead/time" activeClass="active">
                  Time
                </A>
                <A href="/lead/quality" activeClass="active">
                  Quality
                </A>
              </Show>
            </nav>
            <div class="whoami">
              <span
                class="swatch"
                style={{ background: safeColor(me().color) }}
                aria-hidden="true"
              />
              <span>{me().name}</span>
              <span class="muted">({me().role})</span>
              <button type="button" class="link" onClick={() => void session.signOut()}>
                Sign out
              </button>
            </div>
          </>
        )}
      </Show>
    </header>
  )
}
