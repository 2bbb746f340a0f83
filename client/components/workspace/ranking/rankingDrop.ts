/** Drag and drop between the "Ranking" list and the "Unranked" pool: ids, collisions, meaning. */
import { closestCenter } from '@thisbeyond/solid-dnd'
import type { CollisionDetector, Draggable, Droppable } from '@thisbeyond/solid-dnd'

/** The two places a candidate can be. */
export const RankingZone = { ranking: 'ranking', unranked: 'unranked' } as const
export type RankingZone = (typeof RankingZone)[keyof typeof RankingZone]

/** What every draggable and droppable of the panel carries; a zone itself has no candidate. */
export interface DropData {
  zone: RankingZone
  candidate?: string
}

/**
 * Drop id of a whole zone. Ranking items are sortables keyed by their candidate id (SortableProvider
 * needs the ids it orders); zones and pool items get ids with a colon, which a candidate id never
 * holds, so nothing collides while a candidate moves between the two lists.
 */
export const zoneDropId = (zone: RankingZone) => `zone:${zone}`
/** Drag id of a candidate in the pool (see `zoneDropId`). */
export const poolDragId = (candidateId: string) => `pool:${candidateId}`

const dataOf = (item: Draggable | Droppable) => item.data as Partial<DropData>

function contains(d: Droppable, point: { x: number; y: number }): boolean {
  const l = d.layout
  return point.x >= l.left && point.x <= l.right && point.y >= l.top && point.y <= l.bottom
}

/**
 * Inside a zone: its nearest item, or the zone itself when it is empty. Outside both: a ranking
 * item still sorts against its nearest neighbour (as a single list did); a pool item drops nowhere.
 */
export const rankingCollision: CollisionDetector = (draggable, droppables, context) => {
  const point = draggable.transformed.center
  const items = (zone: RankingZone) =>
    droppables.filter((d) => dataOf(d).zone === zone && dataOf(d).candidate !== undefined)
  const zone = droppables.find((d) => dataOf(d).candidate === undefined && contains(d, point))
  if (zone) return closestCenter(draggable, items(dataOf(zone).zone!), context) ?? zone
  if (dataOf(draggable).zone !== RankingZone.ranking) return null
  return closestCenter(draggable, items(RankingZone.ranking), context)
}

/** What a drop asks for: place (or move) a candidate at an index, or take it out. */
export type DropAction =
  | { kind: 'place'; id: string; toIndex: number }
  | { kind: 'unplace'; id: string }
  | null

/**
 * Turns a finished drag into an action on the ranking, given the placed order it was made on and
 * where the dragged item's centre last was (solid-dnd has dropped its transform by drag end).
 */
export function dropAction(
  draggable: Draggable,
  droppable: Droppable | null | undefined,
  placed: readonly string[],
  lastCenter: { x: number; y: number },
): DropAction {
  const { candidate: id, zone: from } = dataOf(draggable)
  const to = droppable ? dataOf(droppable) : undefined
  if (!id || !droppable || !to?.zone) return null
  if (to.zone === RankingZone.unranked) return from === RankingZone.ranking ? { kind: 'unplace', id } : null
  if (to.candidate === undefined) {
    return { kind: 'place', id, toIndex: from === RankingZone.ranking ? placed.length - 1 : placed.length }
  }
  const at = placed.indexOf(to.candidate)
  if (at < 0 || to.candidate === id) return null
  // A ranking item takes the place of the one it is dropped on (sortable); a new one goes above
  // or below it, whichever half it was dropped on.
  if (from === RankingZone.ranking) return { kind: 'place', id, toIndex: at }
  const below = lastCenter.y > droppable.layout.center.y
  return { kind: 'place', id, toIndex: at + (below ? 1 : 0) }
}
