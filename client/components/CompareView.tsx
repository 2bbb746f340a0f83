/** Two candidates side by side as a diff (@codemirror/merge, loaded on first use). */
import { createEffect, createSignal, onCleanup, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { Candidate } from '../../shared/types'
import { codeView } from '../editor/codeView'
import { applyLanguage } from '../editor/languageSlot'
import { useCandidateLabels } from '../stores/candidateLabels'

type MergeModule = typeof import('@codemirror/merge')

// Lazy: the merge package is only needed once someone opens Compare (issue 3, initial JS budget).
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

export const CompareView: Component<{ left: Candidate; right: Candidate; language: string }> = (
  props,
) => {
  loadMerge()
  const labels = useCandidateLabels()
  let host: HTMLDivElement | undefined
  createEffect(() => {
    const mod = merge()
    if (!mod || !host) return
    const view = new mod.MergeView({
      a: {
        doc: props.left.code,
        extensions: codeView({ label: `Code of candidate ${labels.label(props.left.id)} (left)` }),
      },
      b: {
        doc: props.right.code,
        extensions: codeView({ label: `Code of candidate ${labels.label(props.right.id)} (right)` }),
      },
      parent: host,
      gutter: true,
      highlightChanges: true,
      collapseUnchanged: { margin: 3, minSize: 8 },
    })
    applyLanguage(view.a, props.language)
    applyLanguage(view.b, props.language)
    onCleanup(() => view.destroy())
  })
  return (
    <div class="compare-view">
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
