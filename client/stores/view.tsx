/**
 * What each person is looking at in a workspace (the awareness field `view`), and following
 * someone: while following, every change of their `view` is revealed on our screen.
 */
import { createContext, createSignal, onCleanup, useContext } from 'solid-js'
import type { Accessor, ParentComponent } from 'solid-js'
import type { Awareness } from 'y-protocols/awareness'

export const ViewArea = {
  prompt: 'prompt',
  explanation: 'explanation',
  solution: 'solution',
  tests: 'tests',
  candidate: 'candidate',
  compare: 'compare',
  ranking: 'ranking',
  rubric: 'rubric',
} as const
export type ViewArea = (typeof ViewArea)[keyof typeof ViewArea]

/** The `view` awareness field. `candidateId` for candidate/rubric; `compare` for the diff view. */
export interface View {
  area: ViewArea
  candidateId?: string
  compare?: [string, string]
}
export const VIEW_FIELD = 'view'

export interface ViewController {
  current: Accessor<View | null>
  /** Panels call this on focus or open; it is published in awareness. */
  setCurrent(view: View): void
  /** A panel registers how to bring an area on screen (open its tab, scroll, focus). */
  registerArea(area: ViewArea, reveal: (view: View) => void): () => void
  /** Brings a view on screen. */
  reveal(view: View): void
  /** The awareness clientID we follow, or null. */
  following: Accessor<number | null>
  follow(clientId: number | null): void
}

function parseView(value: unknown): View | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  if (typeof v.area !== 'string' || !(v.area in ViewArea)) return null
  return {
    area: v.area as ViewArea,
    candidateId: typeof v.candidateId === 'string' ? v.candidateId : undefined,
    compare: Array.isArray(v.compare) && v.compare.length === 2 ? [String(v.compare[0]), String(v.compare[1])] : undefined,
  }
}

/** Reads another client's published view. */
export function viewOf(awareness: Awareness, clientId: number): View | null {
  return parseView((awareness.getStates().get(clientId) as Record<string, unknown> | undefined)?.[VIEW_FIELD])
}

export function createViewController(awareness: Awareness): ViewController {
  const [current, setCurrentSignal] = createSignal<View | null>(null)
  const [following, setFollowing] = createSignal<number | null>(null)
  const revealers = new Map<ViewArea, (view: View) => void>()

  const reveal = (view: View) => revealers.get(view.area)?.(view)
  const setCurrent = (view: View) => {
    const prev = current()
    if (prev && JSON.stringify(prev) === JSON.stringify(view)) return
    setCurrentSignal(view)
    awareness.setLocalStateField(VIEW_FIELD, view)
  }
  let lastFollowed = ''
  const onChange = () => {
    const id = following()
    if (id === null) return
    if (!awareness.getStates().has(id)) return setFollowing(null)
    const view = viewOf(awareness, id)
    const key = JSON.stringify(view)
    if (view && key !== lastFollowed) {
      lastFollowed = key
      reveal(view)
    }
  }
  awareness.on('change', onChange)
  onCleanup(() => awareness.off('change', onChange))

  return {
    current,
    setCurrent,
    registerArea(area, fn) {
      revealers.set(area, fn)
      return () => {
        if (revealers.get(area) === fn) revealers.delete(area)
      }
    },
    reveal,
    following,
    follow(clientId) {
      lastFollowed = ''
      setFollowing(clientId)
      onChange()
    },
  }
}

const ViewContext = createContext<ViewController>()

export const ViewProvider: ParentComponent<{ controller: ViewController }> = (props) => (
  <ViewContext.Provider value={props.controller}>{props.children}</ViewContext.Provider>
)

/** The workspace's view controller; only inside a ViewProvider. */
export function useView(): ViewController {
  const ctx = useContext(ViewContext)
  if (!ctx) throw new Error('useView() outside a ViewProvider')
  return ctx
}
