/** What each person in a workspace looks at (their awareness `view`), for the lead's dashboard. */
import type { Room } from '../sync/room'
import type { Connection } from '../sync/connection'
import type { PresentView } from '../../shared/types'

/** View areas a client may publish (client/stores/view.tsx); anything else is not shown. */
const AREAS = new Set(['prompt', 'explanation', 'solution', 'tests', 'candidate', 'compare', 'ranking', 'rubric'])
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/
/** View changes are announced at most this often per room (cursor moves also change awareness). */
const VIEW_DEBOUNCE_MS = 300

/**
 * The view `conn` published, checked: the awareness state is client-written, so only a known
 * area and a well-formed candidate id pass.
 */
export function viewOf(room: Room, conn: Connection): PresentView | undefined {
  if (conn.clientId === null) return undefined
  const state = room.awareness.getStates().get(conn.clientId) as Record<string, unknown> | undefined
  const view = state?.view as Record<string, unknown> | undefined
  if (!view || typeof view !== 'object' || typeof view.area !== 'string' || !AREAS.has(view.area)) return undefined
  const candidateId = typeof view.candidateId === 'string' && ID_RE.test(view.candidateId) ? view.candidateId : undefined
  return candidateId ? { area: view.area, candidateId } : { area: view.area }
}

const watched = new WeakSet<Room>()

/**
 * Calls `onViews` (debounced) whenever someone in `room` changes what they publish, so the
 * dashboard's "looking at" follows people live, not only when they join or leave.
 */
export function watchViews(room: Room, onViews: () => void): void {
  if (watched.has(room)) return
  watched.add(room)
  let timer: NodeJS.Timeout | null = null
  // The room's presence emits 'update' only (server/sync/presenceStates.ts); the caller dedupes.
  room.awareness.on('update', () => {
    if (timer || room.destroyed) return
    timer = setTimeout(() => {
      timer = null
      if (!room.destroyed) onViews()
    }, VIEW_DEBOUNCE_MS)
    timer.unref()
  })
}
