/** The app: session, router and the pages of docs/workspace.md (`/`, `/tasks/:id`, `/lead`, …). */
import { lazy } from 'solid-js'
import type { Component } from 'solid-js'
import { Route, Router } from '@solidjs/router'
import { SessionProvider } from './stores/session'
import { Shell } from './components/common/Shell'
import Queue from './pages/Queue'
import NotFound from './pages/NotFound'

// Lazy: the workspace pulls in CodeMirror and Yjs, which the queue never needs.
const Workspace = lazy(() => import('./pages/Workspace'))
const Lead = lazy(() => import('./pages/Lead'))
// exports: the lead's export page (format, filters, counts, preview, download)
const Export = lazy(() => import('./pages/Export'))
const Batches = lazy(() => import('./pages/Batches'))
const Import = lazy(() => import('./pages/Import'))
const People = lazy(() => import('./pages/People'))
const Time = lazy(() => import('./pages/Time'))
const Quality = lazy(() => import('./pages/Quality'))

const App: Component = () => (
  <SessionProvider>
    <Router root={Shell}>
      <Route path="/" component={Queue} />
      <Route path="/tasks/:id" component={Workspace} />
      <Route path="/lead" component={Lead} />
      <Route path="/lead/export" component={Export} />
      <Route path="/lead/batches" component={Batches} />
      <Route path="/lead/import" component={Import} />
      <Route path="/lead/people" component={People} />
      <Route path="/lead/time" component={Time} />
      <Route path="/lead/quality" component={Quality} />
      <Route path="*404" component={NotFound} />
    </Router>
  </SessionProvider>
)

export default App
