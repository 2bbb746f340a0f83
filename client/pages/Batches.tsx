/**
 * `/lead/batches`: the lead lists batches, creates or edits one (guidelines, rubric, mode, blind,
 * time limit) and distributes one's unfinished tasks over annotators.
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { A } from '@solidjs/router'
import type { Batch } from '../../shared/types'
import { listBatches } from '../api'
import { useMe } from '../stores/session'
import { BatchForm } from '../components/batches/BatchForm'
import { DistributeForm } from '../components/batches/DistributeForm'
import { ErrorNote } from '../components/common/ErrorNote'
import '../styles/intake.css'

const BatchList: Component = () => {
  const [batches, { refetch }] = createResource(listBatches)
  // null: no editor open; 'new': a new batch; else the batch being edited.
  const [editing, setEditing] = createSignal<Batch | 'new' | null>(null)
  const [saved, setSaved] = createSignal('')
  // The batch whose distribution form is open, if any.
  const [distributing, setDistributing] = createSignal<Batch | null>(null)
  const open = (e: Batch | 'new') => {
    setSaved('')
    setDistributing(null)
    setEditing(e)
  }
  const openDistribute = (b: Batch) => {
    setSaved('')
    setEditing(null)
    setDistributing(b)
  }
  const onSaved = (b: Batch) => {
    setEditing(null)
    setSaved(`Saved batch “${b.name}”.`)
    void refetch()
  }
  return (
    <section class="panel" aria-labelledby="batches-title">
      <h1 id="batches-title">Batches</h1>
      <p class="muted">
        Changing a batch changes what its tasks show from now on; finalized records keep what they were judged
        under. <A href="/lead/import">Import tasks</A>
      </p>
      <Show when={batches.error}>
        <ErrorNote error={batches.error} onRetry={refetch} />
      </Show>
      <table class="batch-list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Mode</th>
            <th scope="col">Blind</th>
            <th scope="col">Criteria</th>
            <th scope="col">Time limit</th>
            <th scope="col">Tasks</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          <For each={batches() ?? []} fallback={<tr><td colSpan={7} class="muted">No batches yet.</td></tr>}>
            {(b) => (
              <tr data-batch={b.name}>
                <td>{b.name}</td>
                <td>{b.mode}</td>
                <td>{b.blind ? 'yes' : 'no'}</td>
                <td>{b.rubric.length}</td>
                <td>{b.run_timeout_ms / 1000} s</td>
                <td>{b.taskCount}</td>
                <td>
                  <button type="button" class="link" aria-label={`Edit ${b.name}`} onClick={() => open(b)}>Edit</button>{' '}
                  <button type="button" class="link" aria-label={`Distribute ${b.name}`} onClick={() => openDistribute(b)}>
                    Distribute
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <p>
        <button type="button" onClick={() => open('new')}>New batch</button>
      </p>
      <Show when={saved()}>
        <p role="status">{saved()}</p>
      </Show>
      <Show when={editing()} keyed>
        {(e) => <BatchForm batch={e === 'new' ? null : e} onSaved={onSaved} onCancel={() => setEditing(null)} />}
      </Show>
      <Show when={distributing()} keyed>
        {(b) => <DistributeForm batch={b} onDone={() => void refetch()} onClose={() => setDistributing(null)} />}
      </Show>
    </section>
  )
}

const Batches: Component = () => {
  const me = useMe()
  return (
    <Show when={me().role === 'lead'} fallback={<p class="panel narrow">Only the lead edits batches.</p>}>
      <BatchList />
    </Show>
  )
}

export default Batches
