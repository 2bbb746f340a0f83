/** `/lead`: the lead's live dashboard (every task, who is where, progress, threads, assigning). */
import { Show } from 'solid-js'
import type { Component } from 'solid-js'
import { useMe } from '../stores/session'
import { LeadDashboard } from '../components/lead/LeadDashboard'

const Lead: Component = () => {
  const me = useMe()
  return (
    <Show
      when={me().role === 'lead'}
      fallback={
        <section class="panel narrow">
          <h1>Lead dashboard</h1>
          <p>This page is for leads. Your tasks are on the Tasks page.</p>
        </section>
      }
    >
      <LeadDashboard />
    </Show>
  )
}

export default Lead
