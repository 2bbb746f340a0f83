/**
 * The ranking panel: the placed candidates best first ("Ranking") above the ones nobody placed yet
 * ("Unranked"), with drag and drop between them and a spoken trail of every change.
 */
import { createSignal, createUniqueId, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type * as Y from 'yjs'
import { DragDropProvider, DragDropSensors } from '@thisbeyond/solid-dnd'
import type { DragEventHandler } from '@thisbeyond/solid-dnd'
import type { Candidate } from '../../../../shared/types'
import { useCandidateLabels } from '../../../stores/candidateLabels'
import { createRankingStore } from '../../../stores/ranking'
import { useView } from '../../../stores/view'
import { RankingList } from './RankingList'
import { dropAction, rankingCollision, RankingZone } from './rankingDrop'
import { placedKeys, poolKeys } from './rankingKeys'
import '../../../styles/review.css'
import '../../../styles/ranking.css'

/** The whole ranking of one workspace (or ballot): its store lives as long as the panel. */
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
  const labels = useCandidateLabels()
  const [said, setSaid] = createSignal('')
  const uid = createUniqueId()
  let section!: HTMLElement

  onCleanup(
    view.registerArea('ranking', () => {
      section.scrollIntoView({ block: 'nearest' })
      section.querySelector<HTMLElement>('[data-candidate]')?.focus({ preventScroll: true })
    }),
  )

  /** Focuses `id` in `zone` once the lists have re-rendered. */
  const focusIn = (zone: RankingZone, id: string | undefined) =>
    queueMicrotask(() => {
      if (id === undefined) return
      const selector = `[data-zone="${zone}"] [data-candidate="${CSS.escape(labels.key(id))}"]`
      section.querySelector<HTMLElement>(selector)?.focus()
    })
  // Repeating the same sentence would not be read again; the position makes each one new.
  const sayPosition = (id: string, verb: 'placed at' | 'moved to') => {
    const { placed } = store.state
    setSaid(`Candidate ${labels.label(id)} ${verb} position ${placed.indexOf(id) + 1} of ${placed.length}.`)
  }

  const onMove = (id: string, toIndex: number) => {
    store.move(id, toIndex)
    sayPosition(id, 'moved to')
  }
  const onPlace = (id: string, toIndex?: number) => {
    store.place(id, toIndex)
    sayPosition(id, 'placed at')
  }
  const onUnplace = (id: string) => {
    store.unplace(id)
    setSaid(`Candidate ${labels.label(id)} taken out of the ranking; ${store.state.unranked.length} unranked.`)
  }
  // Keyboard: focus stays in the list the key was pressed in (the next candidate there), so
  // repeated Enter ranks the pool in order; it follows the candidate once its list is empty.
  const placeByKey = (id: string, index: number) => {
    onPlace(id)
    const pool = store.state.unranked
    if (pool.length) focusIn(RankingZone.unranked, pool[Math.min(index, pool.length - 1)])
    else focusIn(RankingZone.ranking, id)
  }
  const unplaceByKey = (id: string, index: number) => {
    onUnplace(id)
    const placed = store.state.placed
    if (placed.length) focusIn(RankingZone.ranking, placed[Math.min(index, placed.length - 1)])
    else focusIn(RankingZone.unranked, id)
  }
  let lastCenter = { x: 0, y: 0 }
  const onDragMove: DragEventHandler = ({ draggable }) => {
    lastCenter = draggable.transformed.center
  }
  const onDragEnd: DragEventHandler = ({ draggable, droppable }) => {
    const action = props.readOnly ? null : dropAction(draggable, droppable, store.state.placed, lastCenter)
    if (action?.kind === 'unplace') onUnplace(action.id)
    else if (action && store.state.placed.includes(action.id)) onMove(action.id, action.toIndex)
    else if (action) onPlace(action.id, action.toIndex)
  }
  const refused = () => setSaid('The ranking is read-only for you.')
  const readOnly = () => props.readOnly

  return (
    <section
      ref={section}
      class="ranking-panel"
      aria-labelledby={`${uid}-title`}
      onFocusIn={() => view.setCurrent({ area: 'ranking' })}
    >
      <div class="ranking-head">
        <h2 id={`${uid}-title`}>Ranking</h2>
        <span class="ranking-count small" data-testid="ranking-count">
          {store.state.unranked.length === 0
            ? `All ${store.state.placed.length} ranked`
            : `${store.state.placed.length} of ${props.candidates.length} placed`}
        </span>
      </div>
      <p class="muted small" id={`${uid}-help`}>
        <Show when={!props.readOnly} fallback="Best first. The ranking is read-only for you.">
          Best first. Drag, or Enter places an unranked candidate last; Alt+↑/↓ moves, Delete
          takes out.
        </Show>
      </p>
      <DragDropProvider onDragMove={onDragMove} onDragEnd={onDragEnd} collisionDetector={rankingCollision}>
        <Show when={!props.readOnly}>
          <DragDropSensors />
        </Show>
        <RankingList
          zone={RankingZone.ranking}
          ids={store.state.placed}
          candidates={props.candidates}
          readOnly={props.readOnly}
          describedBy={`${uid}-help`}
          onItemKey={placedKeys(() => store.state.placed, { readOnly, refused, move: onMove, unplace: unplaceByKey })}
        />
        <h3 class="ranking-sub" id={`${uid}-pool`}>Unranked</h3>
        <RankingList
          zone={RankingZone.unranked}
          ids={store.state.unranked}
          candidates={props.candidates}
          readOnly={props.readOnly}
          describedBy={`${uid}-help`}
          onItemKey={poolKeys({ readOnly, refused, place: placeByKey })}
        />
      </DragDropProvider>
      <p class="sr-only" role="status" aria-live="polite">
        {said()}
      </p>
    </section>
  )
}
