/**
 * The lead's live agreement view of one task in an independent batch: every assignee's ballot read
 * live (read-only), pairwise Kendall tau-b, top-1 agreement, the candidate pairs that split the
 * team, which ballots are submitted, and "Merge ballots" to seed the shared ranking.
 */
import { createMemo, createResource, createSignal, createUniqueId, For, mapArray, Show } from 'solid-js'
import type { Accessor, Component } from 'solid-js'
import type * as Y from 'yjs'
import { meanTauB, pairwiseAgreement, splitPairs, top1Agreement } from '../../../../shared/agreement'
import type { BallotInput } from '../../../../shared/agreement'
import { getTaskPeople, mergeBallots } from '../../../api'
import type { TaskDetail } from '../../../api'
import { createBallotRoom, createPlacedCount } from '../../../stores/ballot'
import { formatTau, formatShare } from './agreementFormat'
import { ErrorNote } from '../../common/ErrorNote'
import '../../../styles/agreement.css'
import { useCandidateLabels } from '../../../stores/candidateLabels'

/** Agreement of one task's ballots for the lead; `ranking` is the shared one the merge seeds. */
export const AgreementPanel: Component<{ task: TaskDetail; assignees: Accessor<string[]>; ranking: Y.Array<string>; readOnly: boolean }> = (
  props,
) => {
  const uid = createUniqueId()
  const ids = props.task.candidates.map((c) => c.id)
  const labels = useCandidateLabels()
  // Names of the people on the task, read again when the assignees change.
  const [people] = createResource(() => props.assignees().join(','), () => getTaskPeople(props.task.id).catch(() => []))
  const name = (id: string) => people()?.find((p) => p.id === id)?.name ?? id
  const who = (ids: string[]) => `${ids.map(name).join(', ')} ${ids.length === 1 ? 'prefers' : 'prefer'}`
  // One read-only room per assignee, open while the panel is and while they stay assigned.
  const ballots = mapArray(props.assignees, (user) => ({ user, ...createBallotRoom(props.task, user) }))
  const inputs = createMemo<BallotInput[]>(() =>
    ballots().map((b) => ({ user: b.user, ranking: b.state.content().ranking, ratings: b.state.content().ratings })),
  )
  const placed = createMemo(() => inputs().filter((b) => b.ranking.length > 0))
  const pairs = createMemo(() => pairwiseAgreement(placed()))
  const splits = createMemo(() => splitPairs(placed(), ids))
  const submittedCount = () => ballots().filter((b) => b.state.submitted()).length
  const shared = createPlacedCount(props.ranking, ids)
  const [confirming, setConfirming] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const [said, setSaid] = createSignal('')
  const merge = async (replace: boolean) => {
    setBusy(true)
    setError(null)
    try {
      const res = await mergeBallots(props.task.id, replace)
      setConfirming(false)
      setSaid(`Merged ${res.used.length} ballot${res.used.length === 1 ? '' : 's'} into the shared ranking.`)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const onMerge = () => (shared() > 0 ? setConfirming(true) : void merge(false))
  return (
    <section class="agreement-panel" aria-labelledby={`${uid}-title`}>
      <h2 id={`${uid}-title`}>Agreement</h2>
      <p class="muted small">Live from the assignees' private ballots (read-only for you).</p>
      <table class="agreement-table" aria-label="Ballots">
        <thead>
          <tr>
            <th scope="col">Annotator</th>
            <th scope="col">Placed</th>
            <th scope="col">First</th>
            <th scope="col">Submitted</th>
          </tr>
        </thead>
        <tbody>
          <For each={ballots()}>
            {(b) => (
              <tr data-ballot={b.user}>
                <th scope="row">{name(b.user)}</th>
                <td>
                  {b.state.content().ranking.length} of {ids.length}
                </td>
                <td>{b.state.content().ranking[0] ?? '—'}</td>
                <td>{b.state.submitted() ? 'Yes' : 'No'}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <dl class="agreement-figures">
        <dt>Mean tau-b</dt>
        <dd data-testid="mean-tau">{formatTau(meanTauB(placed()))}</dd>
        <dt>Top-1 agreement</dt>
        <dd data-testid="top1">{formatShare(top1Agreement(placed()))}</dd>
      </dl>
      <Show when={pairs().length > 1}>
        <table class="agreement-table" aria-label="Pairwise agreement">
          <thead>
            <tr>
              <th scope="col">Pair</th>
              <th scope="col">Tau-b</th>
              <th scope="col">Same first</th>
            </tr>
          </thead>
          <tbody>
            <For each={pairs()}>
              {(p) => (
                <tr>
                  <th scope="row">
                    {name(p.a)} · {name(p.b)}
                  </th>
                  <td>{formatTau(p.tau_b)}</td>
                  <td>{p.same_top === null ? '—' : p.same_top ? 'Yes' : 'No'}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <h3 class="agreement-sub">Split pairs</h3>
      <Show when={splits().length} fallback={<p class="muted small" data-testid="splits">No pair splits the team.</p>}>
        <ul class="agreement-splits" data-testid="splits">
          <For each={splits()}>
            {(s) => (
              <li>
                Candidate {labels.label(s.a)} or {labels.label(s.b)}: {who(s.prefer_a)} {labels.label(s.a)};{' '}
                {who(s.prefer_b)} {labels.label(s.b)}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="agreement-merge">
        <Show
          when={confirming()}
          fallback={
            <button
              type="button"
              class="primary"
              disabled={busy() || props.readOnly || submittedCount() === 0}
              onClick={onMerge}
            >
              Merge ballots
            </button>
          }
        >
          <p role="alert">The shared ranking already has {shared()} placed. Replace it with the merge?</p>
          <button type="button" class="primary" disabled={busy()} onClick={() => void merge(true)}>
            Replace shared ranking
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </Show>
        <span class="muted small">
          {submittedCount()} of {ballots().length} submitted; Borda count, ties by mean rating.
        </span>
      </div>
      <Show when={error()}>
        <ErrorNote error={error()} />
      </Show>
      <p class="sr-only" role="status" aria-live="polite">
        {said()}
      </p>
    </section>
  )
}
