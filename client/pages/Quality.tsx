/** `/lead/quality`: per-annotator quality of a batch (in the URL), as a sortable table and a chart per person. */
import { createResource, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { useSearchParams } from '@solidjs/router'
import { getQuality, listBatches } from '../api'
import { useMe } from '../stores/session'
import { ErrorNote } from '../components/common/ErrorNote'
import { QualityTable } from '../components/quality/QualityTable'
import { QualityBars } from '../components/quality/QualityBars'
import { isQualityKey } from '../components/quality/qualityColumns'
import type { QualityKey } from '../components/quality/qualityColumns'
import '../styles/quality.css'

type QualitySearch = { batch?: string; sort?: string; dir?: string }

const QualityPanel: Component = () => {
  const [search, setSearch] = useSearchParams<QualitySearch>()
  const batch = () => search.batch ?? ''
  const sort = (): QualityKey => (isQualityKey(search.sort) ? search.sort : 'name')
  const descending = () => search.dir === 'desc'
  const [batches] = createResource(listBatches)
  const [report, { refetch }] = createResource(batch, (b) => getQuality(b))
  return (
    <section class="panel" aria-labelledby="quality-title">
      <h1 id="quality-title">Quality</h1>
      <p class="muted">
        Gold agreement compares a person’s ranking of a gold task with its true ranking: their ballot in independent
        batches, the shared ranking of tasks they worked on alone in collaborative ones.
      </p>
      <div class="quality-controls">
        <label>
          Batch{' '}
          <select value={batch()} onChange={(e) => setSearch({ batch: e.currentTarget.value || undefined })}>
            {/* `selected` on each option: the batch names arrive after the value, and a select keeps only a value it can show. */}
            <option value="" selected={batch() === ''}>All batches</option>
            <For each={batches() ?? []}>{(b) => <option value={b.name} selected={b.name === batch()}>{b.name}</option>}</For>
          </select>
        </label>
        <button type="button" onClick={() => void refetch()}>Refresh</button>
      </div>
      <Show when={report.error}>
        <ErrorNote error={report.error} onRetry={refetch} />
      </Show>
      <Show when={report.latest} fallback={<p class="muted" role="status">Loading quality…</p>}>
        {(r) => (
          <>
            <p class="muted" role="status">
              {r().tasks} tasks, {r().gold_tasks} gold, {r().annotators.length} annotators.
            </p>
            <QualityTable
              rows={r().annotators}
              sort={sort()}
              descending={descending()}
              onSort={(key, desc) => setSearch({ sort: key, dir: desc ? 'desc' : 'asc' }, { replace: true })}
            />
            <h2>Per person</h2>
            <div class="quality-cards">
              <For each={r().annotators}>{(row) => <QualityBars row={row} />}</For>
            </div>
          </>
        )}
      </Show>
    </section>
  )
}

const Quality: Component = () => {
  const me = useMe()
  return (
    <Show
      when={me().role === 'lead'}
      fallback={
        <section class="panel narrow">
          <h1>Quality</h1>
          <p>This page is for leads. Your tasks are on the Tasks page.</p>
        </section>
      }
    >
      <QualityPanel />
    </Show>
  )
}

export default Quality
