/** The frame around every page: header, and the gate that shows sign-in until `/api/me` answers. */
import { ErrorBoundary, Match, Switch } from 'solid-js'
import type { Component } from 'solid-js'
import type { RouteSectionProps } from '@solidjs/router'
import { useLocation } from '@solidjs/router'
import { usePageTitle } from '../../stores/pageTitle'
import { isUnauthorized } from '../../api'
import { useSession } from '../../stores/session'
import { Header } from './Header'
import { SignedOut } from './SignedOut'
import { ErrorNote } from './ErrorNote'

/** Root of the router: pages render only for a signed-in user. */
export const Shell: Component<RouteSectionProps> = (props) => {
  const session = useSession()
  const me = session.me
  const location = useLocation()
  usePageTitle(
    () => location.pathname,
    () => me.state === 'errored' && isUnauthorized(me.error),
  )
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabindex="-1">
        <Switch fallback={<p class="muted" role="status">Loading…</p>}>
          <Match when={me.state === 'errored' && isUnauthorized(me.error)}>
            <SignedOut />
          </Match>
          <Match when={me.state === 'errored'}>
            <ErrorNote error={me.error} onRetry={() => window.location.reload()} />
          </Match>
          <Match when={me.state === 'ready' || me.state === 'refreshing'}>
            <ErrorBoundary fallback={(err, reset) => <ErrorNote error={err} onRetry={reset} />}>
              {props.children}
            </ErrorBoundary>
          </Match>
        </Switch>
      </main>
    </>
  )
}
