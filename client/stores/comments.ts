/**
 * The Comments store of one workspace: the `task:<id>:comments` room, its threads as signals, the
 * editors that can carry comments (so a selection becomes an anchor and a thread can be jumped
 * to), and the highlights those editors show.
 */
import { createContext, createEffect, createMemo, createResource, createRoot, createSignal, onCleanup, untrack, useContext } from 'solid-js'
import type { Accessor } from 'solid-js'
import type * as Y from 'yjs'
import { EditorSelection } from '@codemirror/state'
import type { EditorView } from '@codemirror/view'
import { createLinesAnchor, createTextAnchor, resolveAnchor } from '../../shared/anchors'
import type { Anchor, AnchorField, ResolvedAnchor } from '../../shared/anchors'
import { createThread, MAX_UNRESOLVED_THREADS, readThreads, replyToThread, setThreadResolved, threadMentions, threadReader } from '../../shared/comments'
import type { ThreadView } from '../../shared/comments'
import { roomName } from '../../shared/roomNames'
import { readRefusal } from '../../shared/refusals'
import type { Me, PresentUser } from '../../shared/types'
import { getTaskPeople } from '../api'
import { createRoomDoc } from '../sync/createRoomDoc'
import type { RoomDoc } from '../sync/createRoomDoc'
import { setCommentMarks } from '../editor/commentMarks'
import { toPresenceUser } from './access'

/** Origin of every comment written from this page. */
export const COMMENTS_ORIGIN = Object.freeze({ source: 'ui' as const, feature: 'comments' as const })

/** How long the workspace must be quiet before anchors are resolved again. */
const RESOLVE_DEBOUNCE_MS = 120

/** An editor that can carry comments: a workspace text, or one candidate's code (lines). */
export type CommentTarget =
  | { kind: 'text'; field: AnchorField; view: EditorView; ytext: Y.Text }
  | { kind: 'lines'; candidate: string; view: EditorView }

/** A thread being written: where it will point and what it quotes. */
export interface Draft {
  anchor: Anchor
  quote: string
}

export interface CommentsStore {
  /** The comments room now: a new one after the server refused a write (see `refused`). */
  readonly room: RoomDoc
  /**
   * What the server last refused of this page's comment writes (someone else's comment, a limit),
   * or null. The room is then loaded afresh from the server, so nothing refused lingers here.
   */
  refused: Accessor<string | null>
  dismissRefused: () => void
  threads: Accessor<ThreadView[]>
  /**
   * Why nobody may comment now (the task is finalized: every room is read-only until
   * it is reopened), or null. The panel disables its controls and says this; the server refuses
   * the writes whatever the page does.
   */
  locked: Accessor<string | null>
  /** Where each thread points now; null when its text was deleted (outdated). */
  resolved: (thread: ThreadView) => ResolvedAnchor | null
  /** The name of a user id from the task's people; never a name a client wrote. */
  nameOf: (userId: string) => string
  people: Accessor<PresentUser[]>
  mentionsMe: (thread: ThreadView) => boolean
  /**
   * Why this person may not resolve or reopen `thread`, or null when they may: its author, the
   * lead or an assignee may (the server refuses anyone else).
   */
  whyNotResolve: (thread: ThreadView) => string | null
  draft: Accessor<Draft | null>
  /** Starts a draft from the selection of `view` (or the editor used last); false if none. */
  startDraft: (view?: EditorView) => boolean
  /** Starts a draft about the whole task. */
  startTaskDraft: () => void
  cancelDraft: () => void
  /** Posts the draft as a new thread; returns its id. Throws RangeError on an empty body. */
  post: (body: string) => string | null
  /**
   * Starts a thread on the whole task with `body` (and `quote` as its quoted text), bypassing the
   * draft: how unsent text becomes a comment. Throws RangeError when locked or the body is bad.
   */
  postOnTask: (body: string, quote: string) => string
  reply: (threadId: string, body: string) => boolean
  setResolved: (threadId: string, resolved: boolean) => void
  active: Accessor<string | null>
  setActive: (id: string | null) => void
  /** Brings a thread's anchor on screen and selects it in its editor. */
  jump: (thread: ThreadView) => void
  register: (target: CommentTarget) => () => void
  /** Set by the panel: asks it to show and focus the composer. */
  onDraftStarted: (fn: () => void) => void
  /** Set by the workspace: opens a candidate's tab before jumping to its lines. */
  onShowCandidate: (fn: (candidateId: string) => void) => void
}

export const CommentsContext = createContext<CommentsStore>()

/** The workspace's Comments store, or undefined outside a workspace (editors then skip comments). */
export function useComments(): CommentsStore | undefined {
  return useContext(CommentsContext)
}

/** What the panel says while the task is finalized. */
export const FINALIZED_COMMENTS_REASON = 'The task is finalized: comments are read-only until the lead reopens it.'

/**
 * Opens the comments room of `taskId` for the lifetime of the caller, tied to `workspace`.
 * `finalized` is the live status from the meta room.
 */
export function createComments(
  taskId: string,
  workspace: Y.Doc,
  me: Me,
  finalized: Accessor<boolean> = () => false,
): CommentsStore {
  // The room lives in its own root, so that a refused write can drop it (and its offline copy)
  // and open it afresh: the server never took what the refused document holds.
  const openRoom = () => createRoot((dispose) => ({ room: createRoomDoc(roomName.comments(taskId), { user: toPresenceUser(me) }), dispose }))
  let current = openRoom()
  const [room, setRoom] = createSignal<RoomDoc>(current.room)
  let disposed = false
  onCleanup(() => {
    disposed = true
    current.dispose()
  })
  const [refused, setRefused] = createSignal<string | null>(null)
  const reload = async (old: { room: RoomDoc; dispose: () => void }) => {
    await old.room.discardCache()
    if (disposed || current !== old) return
    old.dispose()
    current = openRoom()
    setRoom(current.room)
  }
  createEffect(() => {
    const reason = room().denied()
    const why = reason === null ? null : readRefusal(reason)
    if (why === null) return
    setRefused(why)
    const old = untrack(() => current)
    void reload(old)
  })
  const locked = createMemo(() => {
    if (finalized()) return FINALIZED_COMMENTS_REASON
    if (room().closedCode() !== null) return 'You can no longer comment on this task.'
    return null
  })
  /** Throws the reason when locked, so a composer shows it instead of pretending it posted. */
  const unlocked = () => {
    const reason = locked()
    if (reason) throw new RangeError(reason)
  }
  const [threads, setThreads] = createSignal<ThreadView[]>(readThreads(current.room.doc))
  createEffect(() => {
    const doc = room().doc
    // Re-reads only the threads each change touched (a reply reads one thread, not thousands).
    const reader = threadReader(doc)
    const onThreads = () => setThreads(reader.read())
    onThreads()
    doc.on('update', onThreads)
    onCleanup(() => {
      doc.off('update', onThreads)
      reader.destroy()
    })
  })
  /** Throws before posting what the server would refuse: the person's unresolved threads at the most. */
  const underThreadLimit = () => {
    const open = threads().filter((t) => t.author === me.id && !t.resolved).length
    if (open >= MAX_UNRESOLVED_THREADS) {
      throw new RangeError(`You have ${open} unresolved threads on this task, and ${MAX_UNRESOLVED_THREADS} is the most: resolve some before starting another.`)
    }
  }

  // Anchors are resolved again once the workspace's edits settle (remote text included).
  const [version, setVersion] = createSignal(0)
  let timer: ReturnType<typeof setTimeout> | undefined
  const onWorkspace = () => {
    clearTimeout(timer)
    timer = setTimeout(() => setVersion((v) => v + 1), RESOLVE_DEBOUNCE_MS)
  }
  workspace.on('update', onWorkspace)
  onCleanup(() => {
    clearTimeout(timer)
    workspace.off('update', onWorkspace)
  })
  // Resolved on demand and kept until the threads or the workspace change: with thousands of
  // threads, only those on screen or highlighted in an editor are ever resolved.
  const resolvedMap = createMemo(() => {
    version()
    threads()
    return new Map<string, ResolvedAnchor | null>()
  })
  const resolvedIn = (map: Map<string, ResolvedAnchor | null>, t: ThreadView): ResolvedAnchor | null => {
    let r = map.get(t.id)
    if (r === undefined) map.set(t.id, (r = resolveAnchor(workspace, t.anchor)))
    return r
  }

  const [peopleList] = createResource(() => taskId, (id) => getTaskPeople(id).catch(() => []))
  const people = () => peopleList() ?? []
  const names = createMemo(() => new Map(people().map((p) => [p.id, p.name])))
  const nameOf = (id: string) => names().get(id) ?? (id === me.id ? me.name : 'Someone')
  const mentionsMe = (t: ThreadView) => threadMentions(t, me.id, people())

  const [targets, setTargets] = createSignal<CommentTarget[]>([])
  let lastView: EditorView | undefined
  const [draft, setDraft] = createSignal<Draft | null>(null)
  const [active, setActive] = createSignal<string | null>(null)
  let draftStarted = () => {}
  let showCandidate = (_id: string) => {}

  const targetOf = (view: EditorView | undefined) => targets().find((t) => t.view === view)

  const startDraft = (view = lastView): boolean => {
    const target = targetOf(view)
    if (!target || !view) return false
    const sel = view.state.selection.main
    if (sel.empty) return false
    const quote = view.state.sliceDoc(sel.from, sel.to)
    try {
      if (target.kind === 'text') {
        setDraft({ anchor: createTextAnchor(target.ytext, sel.from, sel.to), quote })
      } else {
        const doc = view.state.doc
        const from = doc.lineAt(sel.from).number
        // A selection ending at the start of a line does not include that line.
        const end = doc.lineAt(sel.to)
        const to = end.from === sel.to && end.number > from ? end.number - 1 : end.number
        const lines = doc.slice(doc.line(from).from, doc.line(to).to).toString()
        setDraft({ anchor: createLinesAnchor(target.candidate, from, to, doc.lines), quote: lines })
      }
    } catch {
      return false
    }
    draftStarted()
    return true
  }

  const post = (body: string): string | null => {
    const d = draft()
    if (!d) return null
    unlocked()
    underThreadLimit()
    setRefused(null)
    const id = createThread(room().doc, { anchor: d.anchor, quote: d.quote, author: me.id, body }, COMMENTS_ORIGIN)
    setDraft(null)
    setActive(id)
    return id
  }

  const jump = (thread: ThreadView) => {
    setActive(thread.id)
    const a = thread.anchor
    if (!a || a.kind === 'task') return
    if (a.kind === 'lines') showCandidate(a.candidate)
    // The candidate's editor may only exist after its tab opened.
    queueMicrotask(() => {
      const target = targets().find((t) =>
        a.kind === 'text' ? t.kind === 'text' && t.field === a.field : t.kind === 'lines' && t.candidate === a.candidate,
      )
      const r = resolvedIn(resolvedMap(), thread)
      if (!target || !r) return
      const doc = target.view.state.doc
      const range =
        target.kind === 'text'
          ? EditorSelection.range(Math.min(r.from, doc.length), Math.min(r.to, doc.length))
          : EditorSelection.range(doc.line(Math.min(r.from, doc.lines)).from, doc.line(Math.min(r.to, doc.lines)).to)
      target.view.dispatch({ selection: range, scrollIntoView: true })
      target.view.dom.scrollIntoView({ block: 'nearest' })
      target.view.focus()
    })
  }

  const register = (target: CommentTarget) => {
    setTargets((list) => [...list, target])
    const onFocus = () => (lastView = target.view)
    target.view.contentDOM.addEventListener('focus', onFocus)
    return () => {
      target.view.contentDOM.removeEventListener('focus', onFocus)
      if (lastView === target.view) lastView = undefined
      setTargets((list) => list.filter((t) => t !== target))
    }
  }

  // Push highlights of unresolved threads into every registered editor.
  createEffect(() => {
    const map = resolvedMap()
    const current = active()
    const open = threads().filter((t) => !t.resolved)
    const list = targets()
    // After the current task: a Solid effect can run inside a Yjs transaction, before
    // y-codemirror has brought the view up to date, and a view update then reads positions of
    // the newer Y.Text against the older view (its remote-cursor plugin throws).
    queueMicrotask(() => pushMarks(list, open, map, current))
  })
  const pushMarks = (
    list: CommentTarget[],
    open: ThreadView[],
    map: Map<string, ResolvedAnchor | null>,
    current: string | null,
  ) => {
    for (const target of list) {
      if (!targets().includes(target)) continue // unregistered (its view is gone) meanwhile
      if (target.kind === 'text' && target.view.state.doc.length !== target.ytext.length) {
        onWorkspace() // not caught up yet: the next resolution comes after it is
        continue
      }
      const marks = []
      for (const t of open) {
        const a = t.anchor
        if (!a) continue
        const mine =
          target.kind === 'text' ? a.kind === 'text' && a.field === target.field : a.kind === 'lines' && a.candidate === target.candidate
        const r = mine ? resolvedIn(map, t) : null
        if (r) marks.push({ id: t.id, from: r.from, to: r.to, active: t.id === current })
      }
      target.view.dispatch({ effects: setCommentMarks.of({ marks, lines: target.kind === 'lines' }) })
    }
  }

  return {
    get room() {
      return room()
    },
    refused,
    dismissRefused: () => setRefused(null),
    threads,
    locked,
    resolved: (t) => resolvedIn(resolvedMap(), t),
    nameOf,
    people,
    mentionsMe,
    // An annotator who can open the workspace's comments is assigned to the task.
    whyNotResolve: (t) =>
      me.role !== 'reviewer' || t.author === me.id ? null : 'Only the thread’s author, the lead or an assignee resolves or reopens it.',
    draft,
    startDraft,
    startTaskDraft: () => {
      setDraft({ anchor: { kind: 'task' }, quote: '' })
      draftStarted()
    },
    cancelDraft: () => setDraft(null),
    post,
    postOnTask: (body, quote) => {
      unlocked()
      underThreadLimit()
      setRefused(null)
      const id = createThread(room().doc, { anchor: { kind: 'task' }, quote, author: me.id, body }, COMMENTS_ORIGIN)
      setActive(id)
      return id
    },
    reply: (id, body) => {
      unlocked()
      setRefused(null)
      return replyToThread(room().doc, id, { author: me.id, body }, COMMENTS_ORIGIN)
    },
    setResolved: (id, resolved) => {
      if (locked()) return
      setRefused(null)
      setThreadResolved(room().doc, id, resolved, COMMENTS_ORIGIN)
    },
    active,
    setActive,
    jump,
    register,
    onDraftStarted: (fn) => (draftStarted = fn),
    onShowCandidate: (fn) => (showCandidate = fn),
  }
}
