/** Any path the router does not know. */
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'

const NotFound: Component = () => (
  <section class="panel narrow">
    <h1>Page not found</h1>
    <p>
      Nothing lives at this address. <A href="/">Back to your tasks</A>.
    </p>
  </section>
)

export default NotFound
