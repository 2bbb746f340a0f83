/** The ranking panel: the shared order of the candidates, best first, with a spoken trail of moves. */
import { createSignal, createUniqueId, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type * as Y from 'yjs'
import type { Candidate } from '../../shared/types'
import { createRankingStore } from '../stores/ranking'
import { useView } from '../stores/view'
import { RankingList } from './RankingList'
import '../styles/review.css'

export const RankingPanel: Component<{
  ranking: Y.Array<string>
  candidates: Candidate[]
  readOnly: boolean
}> = (props) => {
  const store = createRankingStore(
    props.ranking,
    props.candidates.map((c) => c.id),
  )
  const view = useView()
  const [said, setSaid] = createSignal('')
  const uid = createUniqueId()
  let section!: HTMLElement

  onCleanup(
    view.registerArea('ranking', () => {
      section.scrollIntoView({ block: 'nearest' })
      section.querySelector<HTMLElement>('[data-candidate]')?.focus({ preventScroll: true })
    }),
  )

  const onMove = (id: string, toIndex: number) => {
    store.move(id, toIndex)
    const at = store.state.order.indexOf(id)
    // Repeating the same sentence would not be read again; the position makes each one new.
    setSaid(`Candidate ${id} moved to position ${at + 1} of ${store.state.order.length}.`)
  }

  return (
    <section
      ref={section}
      class="ranking-panel"
      aria-labelledby={`${uid}-title`}
      onFocusIn={() => view.setCurrent({ area: 'ranking' })}
    >
      <h2 id={`${uid}-title`}>Ranking</h2>
      <p class="muted small" id={`${uid}-help`}>
        <Show when={!props.readOnly} fallback="Best first. The ranking is read-only for you.">
          Best first. Drag a candidate, or focus it and press Alt+↑ or Alt+↓.
        </Show>
      </p>
      <RankingList
        order={store.state.order}
        candidates={props.candidates}
        readOnly={props.readOnly}
        describedBy={`${uid}-help`}
        onMove={onMove}
        onRefused={() => setSaid('The ranking is read-only for you.')}
      />
      <p class="sr-only" role="status" aria-live="polite">
        {said()}
      </p>
    </section>
  )
}
