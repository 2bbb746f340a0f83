/** `/lead/export`: the lead picks a format and filters, sees counts and the first rows, and downloads. */
import { Show, createMemo, createResource } from 'solid-js'
import type { Component } from 'solid-js'
import { useSearchParams } from '@solidjs/router'
import { useMe } from '../stores/session'
import { ErrorNote } from '../components/common/ErrorNote'
import { ExportForm } from '../components/export/ExportForm'
import { ExportCounts } from '../components/export/ExportCounts'
import { ExportPreview } from '../components/export/ExportPreview'
import { exportDownloadHref, getExportCounts, getExportPreview } from '../exportApi'
import type { ExportParams } from '../exportApi'
import '../styles/dashboard.css'
import '../styles/export.css'

/** How many rows the preview shows. */
const PREVIEW_ROWS = 5

const ExportPanel: Component = () => {
  const [search, setSearch] = useSearchParams<Partial<ExportParams>>()
  const params = createMemo<ExportParams>(() => ({
    format: search.format || 'dpo',
    pairs: search.pairs || 'all',
    batch: search.batch || '',
    since: search.since || '',
    revisions: search.revisions || 'latest',
    gold: search.gold === 'include' ? 'include' : '',
  }))
  const filterKey = createMemo(() => JSON.stringify({ ...params(), format: '' }))
  const [counts, { refetch: refetchCounts }] = createResource(filterKey, () => getExportCounts(params()))
  const [preview, { refetch: refetchPreview }] = createResource(() => JSON.stringify(params()), () => getExportPreview(params(), PREVIEW_ROWS))
  const change = (next: Partial<ExportParams>) => setSearch(next, { replace: true })
  const retry = () => {
    void refetchCounts()
    void refetchPreview()
  }
  return (
    <section aria-labelledby="export-title">
      <h1 id="export-title">Export</h1>
      <ExportForm params={params()} batches={counts.latest?.batches ?? []} onChange={change} />
      <Show when={counts.error ?? preview.error}>{(err) => <ErrorNote error={err()} onRetry={retry} />}</Show>
      <p class="export-download">
        <a class="button" href={exportDownloadHref(params())} download={`codejury-${params().format}.jsonl`}>
          Download codejury-{params().format}.jsonl
        </a>
      </p>
      <Show when={counts.latest}>
        {(c) => <ExportCounts counts={c()} format={params().format} onSelect={(format) => change({ format })} />}
      </Show>
      <Show when={!preview.error}>
        <Show when={preview.latest} fallback={<p class="muted" role="status">Loading preview…</p>}>
          {(rows) => <ExportPreview rows={rows()} total={counts.latest?.rows[params().format]} />}
        </Show>
      </Show>
    </section>
  )
}

const Export: Component = () => {
  const me = useMe()
  return (
    <Show
      when={me().role === 'lead'}
      fallback={
        <section class="panel narrow">
          <h1>Export</h1>
          <p>This page is for leads. Your tasks are on the Tasks page.</p>
        </section>
      }
    >
      <ExportPanel />
    </Show>
  )
}

export default Export
