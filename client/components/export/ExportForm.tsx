/** The export page's choices: format, pair expansion, the record filters and whether gold tasks are in. */
import { For } from 'solid-js'
import type { Component } from 'solid-js'
import { EXPORT_FORMATS, PAIRWISE_FORMATS } from '../../../shared/exports/formats'
import type { ExportFormat } from '../../../shared/exports/formats'
import { PAIR_POLICIES } from '../../../shared/exports/pairs'
import type { ExportParams } from '../../exportApi'

/** Each control changes one parameter; the page keeps them in the URL so a choice can be shared. */
export const ExportForm: Component<{
  params: ExportParams
  batches: string[]
  onChange: (change: Partial<ExportParams>) => void
}> = (props) => {
  const pairwise = () => PAIRWISE_FORMATS.includes(props.params.format as ExportFormat)
  return (
    <div class="export-form" role="group" aria-label="Export options">
      <label>
        Format
        <select value={props.params.format} onChange={(e) => props.onChange({ format: e.currentTarget.value })}>
          <For each={EXPORT_FORMATS}>{(f) => <option value={f}>{f}</option>}</For>
        </select>
      </label>
      <label>
        Pairs
        <select
          value={props.params.pairs}
          disabled={!pairwise()}
          title={pairwise() ? undefined : 'Only dpo, reward and openai-preference rows are pairs'}
          onChange={(e) => props.onChange({ pairs: e.currentTarget.value })}
        >
          <For each={PAIR_POLICIES}>{(p) => <option value={p}>{p}</option>}</For>
        </select>
      </label>
      <label>
        Batch
        <select value={props.params.batch} onChange={(e) => props.onChange({ batch: e.currentTarget.value })}>
          <option value="">All batches</option>
          <For each={props.batches}>{(b) => <option value={b}>{b}</option>}</For>
        </select>
      </label>
      <label>
        Finalized since
        <input type="date" value={props.params.since} onChange={(e) => props.onChange({ since: e.currentTarget.value })} />
      </label>
      <label>
        Revisions
        <select value={props.params.revisions} onChange={(e) => props.onChange({ revisions: e.currentTarget.value })}>
          <option value="latest">Latest of each task</option>
          <option value="all">Every revision</option>
        </select>
      </label>
      <label title="Gold tasks check annotators; they stay out of training data unless included">
        <input
          type="checkbox"
          checked={props.params.gold === 'include'}
          onChange={(e) => props.onChange({ gold: e.currentTarget.checked ? 'include' : '' })}
        />
        Include gold tasks
      </label>
    </div>
  )
}
