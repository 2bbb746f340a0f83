/**
 * The lead's gold control in the workflow bar: on a finalized task "Mark as gold" takes the
 * record's ranking as the true one; a gold task shows a "Gold" note with "Unmark". Mounted for the
 * lead only: nothing of gold is ever fetched or shown on an annotator's or a reviewer's page.
 */
import { createResource, createSignal, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { getGold, markGoldFromRecord, unmarkGold } from '../../../api'
import type { GoldView } from '../../../api'
import '../../../styles/quality.css'

export const GoldControl: Component<{ taskId: string; status: string }> = (props) => {
  const [gold, { mutate }] = createResource(() => props.taskId, getGold)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const act = async (change: () => Promise<GoldView | null>) => {
    setBusy(true)
    setError(null)
    try {
      mutate(await change())
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <span class="gold-control">
      <Show
        when={gold()}
        fallback={
          <Show when={gold.state === 'ready' && props.status === 'finalized'}>
            <button type="button" disabled={busy()} title="Use this record's ranking as the true ranking" onClick={() => void act(() => markGoldFromRecord(props.taskId))}>
              Mark as gold
            </button>
          </Show>
        }
      >
        {(g) => (
          <>
            <span class="gold-note" title={`True ranking: ${g().import_ranking.join(' > ')} (marked by ${g().by_name})`}>
              Gold
            </span>
            <button type="button" disabled={busy()} onClick={() => void act(() => unmarkGold(props.taskId).then(() => null))}>
              Unmark
            </button>
          </>
        )}
      </Show>
      <Show when={error() ?? (gold.error ? String((gold.error as Error).message ?? gold.error) : null)}>
        {(msg) => (
          <span class="error small" role="alert">
            {msg()}
          </span>
        )}
      </Show>
    </span>
  )
}
