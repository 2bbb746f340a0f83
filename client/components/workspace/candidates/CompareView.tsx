/**
 * Two candidates as a diff (@codemirror/merge, loaded on first use): side by side from 1280px up,
 * one unified view below, so each side keeps room for its lines.
 */
import { createEffect, createSignal, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { EditorView } from '@codemirror/view'
import type { Candidate } from '../../../../shared/types'
import { codeView } from '../../../editor/codeView'
import { applyLanguage } from '../../../editor/languageSlot'
import { useCandidateLabels } from '../../../stores/candidateLabels'

type MergeModule = typeof import('@codemirror/merge')

/** From this window width up the two candidates stand side by side. */
export const SIDE_BY_SIDE_MIN_PX = 1280

// Lazy: the merge package is only needed once someone opens Compare (the initial JS budget, docs/performance.md).
// A plain signal rather than a resource, so loading never suspends the whole workspace.
const [merge, setMerge] = createSignal<MergeModule>()
const [mergeFailed, setMergeFailed] = createSignal(false)
function loadMerge(): void {
  if (merge()) return
  import('@codemirror/merge').then(setMerge, (err: unknown) => {
    console.warn('codejury: the diff view failed to load', err)
    setMergeFailed(true)
  })
}

/** True while the window is wide enough for two columns of code. */
function createWide(): () => boolean {
  const query = window.matchMedia(`(min-width: ${SIDE_BY_SIDE_MIN_PX}px)`)
  const [wide, setWide] = createSignal(query.matches)
  const onChange = () => setWide(query.matches)
  query.addEventListener('change', onChange)
  onCleanup(() => query.removeEventListener('change', onChange))
  return wide
}

export const CompareView: Component<{
  left: Candidate
  right: Candidate
  language: string
  /** Escape inside the diff: leave Compare. */
  onClose: () => void
}> = (props) => {
  loadMerge()
  const wide = createWide()
  const labels = useCandidateLabels()
  let host: HTMLDivElement | undefined
  const onEscape = () => {
    props.onClose()
    return true
  }
  const label = (c: Candidate, side: string) => `Code of candidate ${labels.label(c.id)} (${side})`
  createEffect(() => {
    const mod = merge()
    if (!mod || !host) return
    if (wide()) {
      const view = new mod.MergeView({
        a: { doc: props.left.code, extensions: codeView({ label: label(props.left, 'left'), onEscape }) },
        b: { doc: props.right.code, extensions: codeView({ label: label(props.right, 'right'), onEscape }) },
        parent: host,
        gutter: true,
        highlightChanges: true,
        collapseUnchanged: { margin: 3, minSize: 8 },
      })
      applyLanguage(view.a, props.language)
      applyLanguage(view.b, props.language)
      onCleanup(() => view.destroy())
      return
    }
    // Unified: the right candidate, with the left one's lines shown where they differ.
    const view = new EditorView({
      doc: props.right.code,
      parent: host,
      extensions: [
        codeView({ label: `Code of candidate ${labels.label(props.right.id)} compared with ${labels.label(props.left.id)}`, onEscape }),
        mod.unifiedMergeView({
          original: props.left.code,
          highlightChanges: true,
          gutter: true,
          mergeControls: false,
          collapseUnchanged: { margin: 3, minSize: 8 },
        }),
      ],
    })
    applyLanguage(view, props.language)
    onCleanup(() => view.destroy())
  })
  return (
    <div class="compare-view" data-layout={wide() ? 'side-by-side' : 'unified'}>
      <Show when={mergeFailed()}>
        <p class="error" role="alert">The diff view could not load. Reload to try again.</p>
      </Show>
      <Show when={!merge() && !mergeFailed()}>
        <p class="muted small" role="status">Loading diff…</p>
      </Show>
      <div class="merge-host" ref={host} />
    </div>
  )
}
